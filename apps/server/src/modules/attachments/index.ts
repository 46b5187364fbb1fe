export { attachmentRoutes } from './attachment.routes';
export { purgeAttachmentsJob } from './attachment.jobs';
export {
  assertAttachmentsOfProject,
  attachmentsByIds,
  cleanFilename,
  readImageUpload,
  presentAttachment,
  sniffImage,
} from './attachment.service';
