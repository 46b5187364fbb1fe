export { attachmentRoutes } from './attachment.routes';
export { purgeAttachmentsJob } from './attachment.jobs';
export {
  assertAttachmentsOfProject,
  attachmentsByIds,
  presentAttachment,
  sniffImage,
} from './attachment.service';
