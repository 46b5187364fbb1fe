export { attachmentRoutes } from './attachment.routes';
export { purgeAttachmentsJob } from './attachment.jobs';
export {
  assertAttachmentsOfProject,
  attachmentsByIds,
  cleanFilename,
  readAtMost,
  presentAttachment,
  sniffImage,
} from './attachment.service';
