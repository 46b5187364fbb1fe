import { Tag } from 'antd';
import {
  projectLevelLabels,
  projectStageLabels,
  type ProjectLevel,
  type ProjectStage,
} from '@xiangmu/contracts';
import { levelColors, stageColors } from './model';

export function StageTag({ stage }: { stage: ProjectStage }) {
  return (
    <Tag color={stageColors[stage]} style={{ marginInlineEnd: 0 }} data-stage={stage}>
      {projectStageLabels[stage]}
    </Tag>
  );
}

export function LevelTag({ level }: { level: ProjectLevel }) {
  return (
    <Tag color={levelColors[level]} variant="outlined" style={{ marginInlineEnd: 0 }}>
      {projectLevelLabels[level]}
    </Tag>
  );
}
