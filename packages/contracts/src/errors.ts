/**
 * Stable error codes shared by server and web. Every rejection the API sends
 * carries one of these codes and its Chinese message.
 */
export const errorMessages = {
  VALIDATION_FAILED: '提交的数据不符合要求',
  MALFORMED_REQUEST: '请求格式错误，无法解析',
  BODY_TOO_LARGE: '提交的内容过大',
  UNSUPPORTED_MEDIA_TYPE: '不支持的内容类型，请以 JSON 格式提交',
  NOT_FOUND: '请求的资源不存在',
  UNAUTHENTICATED: '未登录或登录已过期，请重新登录',
  CSRF_INVALID: '安全校验失败，请刷新页面后重试',
  FORBIDDEN: '没有执行此操作的权限',
  REGION_OUT_OF_SCOPE: '无权访问该区域的数据',
  INVALID_CREDENTIALS: '用户名或密码错误',
  ACCOUNT_LOCKED: '连续登录失败次数过多，账号已临时锁定，请稍后再试或联系管理员',
  ACCOUNT_DISABLED: '账号已停用，请联系管理员',
  TOO_MANY_ATTEMPTS: '尝试次数过多，请稍后再试',
  PASSWORD_CHANGE_REQUIRED: '首次登录或密码已重置，请先修改密码',
  PASSWORD_TOO_WEAK: '密码不符合要求',
  PASSWORD_WRONG: '当前密码不正确',
  PASSWORD_REUSED: '新密码不能与当前密码相同',
  USERNAME_TAKEN: '用户名已存在',
  USER_NOT_FOUND: '用户不存在',
  DEPARTMENT_NOT_FOUND: '部门不存在',
  DEPARTMENT_NAME_TAKEN: '该区域下已有同名部门',
  DEPARTMENT_REGION_MISMATCH: '部门不属于所选区域',
  REGION_NOT_FOUND: '行政区划不存在',
  REGION_CODE_TAKEN: '区划代码已存在',
  REGION_PARENT_INVALID: '网格只能建在街道/乡镇或上一级网格之下',
  REGION_NOT_EDITABLE: '国家标准行政区划不可修改，只能修改自建网格',
  ROLE_NOT_ASSIGNABLE: '不能授予高于自己权限的角色',
  ROLE_REGION_MISMATCH: '该角色不能设在所选层级的区域',
  CANNOT_DISABLE_SELF: '不能停用自己的账号',
  CANNOT_RESET_OWN_PASSWORD: '不能重置自己的密码，请在个人资料中修改密码',
  VERSION_CONFLICT: '数据已被他人修改，请刷新后再保存',
  JOB_NOT_FOUND: '后台任务不存在',
  PROJECT_NOT_FOUND: '项目不存在',
  PROJECT_NAME_TAKEN: '该区域已有同名项目',
  PROJECT_DATES_OUT_OF_ORDER: '计划竣工日期不能早于计划开工日期',
  PROJECT_PLAN_EXCEEDS_TOTAL: '年度计划投资不能超过总投资',
  STAGE_UNCHANGED: '项目已处于该阶段',
  STAGE_JUMP_NOT_ALLOWED: '阶段不能跳跃推进，请逐个阶段办理',
  STAGE_BACK_NEEDS_REASON: '阶段回退须填写原因',
  IMPORT_NOT_FOUND: '导入记录不存在',
  IMPORT_NOT_READY: '该文件尚未校验完成或已导入，不能执行导入',
  IMPORT_NOTHING_VALID: '没有可导入的有效行',
  IMPORT_TOO_LARGE: '文件超过20MB，请拆分后再导入',
  IMPORT_CHANGED_MEANWHILE: '导入期间有项目被他人修改，本次导入未写入任何数据，请重新上传',
  MILESTONE_NOT_FOUND: '节点不存在',
  MILESTONE_ALREADY_DONE: '该节点已完成',
  MILESTONE_NOT_DONE: '该节点尚未完成',
  MILESTONE_OWNER_INVALID: '责任人不存在或不属于该项目所在区域',
  MILESTONE_DONE_IN_FUTURE: '完成日期不能晚于今天',
  MILESTONES_EXIST: '该项目已有未完成的节点；如需重新倒排，请选择“替换未完成节点”',
  TEMPLATE_NOT_FOUND: '节点模板不存在',
  TEMPLATE_NAME_TAKEN: '已有同名节点模板',
  CALENDAR_DAY_OUTSIDE_YEAR: '日期不在所编辑的年份内',
  CALENDAR_DAY_DUPLICATE: '同一天只能填写一次',
  CAMPAIGN_NOT_FOUND: '该期"三个一批"活动不存在',
  CAMPAIGN_NUMBER_TAKEN: '该期次已存在',
  CAMPAIGN_CLOSED: '该期活动已结束，不能再调整批次',
  CAMPAIGN_DATES_OUT_OF_ORDER: '结束日期不能早于开始日期',
  BATCH_LOCKED: '该批次已审核锁定，不能再调整',
  BATCH_STAGE_MISMATCH: '项目所处阶段与批次不符',
  ENTRY_EXISTS: '该项目已列入本期的一个批次',
  ENTRY_NOT_FOUND: '该项目不在本期批次中',
  STAGE_DATE_INVALID: '阶段发生日期不能早于上一阶段，也不能晚于今天',
  REPORT_NOT_FOUND: '月度调度报告不存在',
  REPORT_EXISTS: '该项目本月已填报，请修改已有的报告',
  REPORT_MONTH_CLOSED: '该月调度已关闭，不能再填报或修改；确需调整请联系市级管理员重新开放',
  REPORT_MONTH_IN_FUTURE: '不能填报未到的月份',
  REPORT_STAGE_NOT_REPORTING: '项目不在需要月度调度的阶段（前期、在建、竣工）',
  MONTH_ALREADY_CLOSED: '该月已关闭',
  MONTH_NOT_CLOSED: '该月尚未关闭',
  MONTH_NOT_OVER: '该月尚未结束，不能关闭',
  CLOSURE_REGION_INVALID: '只能按区县（或全市）关闭或开放月份',
  PROBLEM_NOT_FOUND: '问题不存在',
  PROBLEM_CLOSED: '该问题已销号',
  PROBLEM_NOT_CLOSED: '该问题尚未销号',
  PROBLEM_NOT_YOUR_DEPARTMENT: '只能销号分派给本单位的问题',
  PROBLEM_DUE_IN_PAST: '整改期限不能早于今天',
  ATTACHMENT_NOT_FOUND: '照片不存在',
  ATTACHMENT_TYPE_INVALID: '只能上传 JPEG、PNG 或 WebP 格式的图片',
  ATTACHMENT_TOO_LARGE: '图片超过10MB，请压缩后再上传',
  ATTACHMENT_PROJECT_MISMATCH: '照片不属于该项目',
  ENTERPRISE_NOT_OWNER: '只能查看和填报本企业（统一社会信用代码一致）建设的项目',
  INTERNAL_ERROR: '服务器内部错误，请稍后重试',
} as const;

export type ErrorCode = keyof typeof errorMessages;

export interface FieldIssue {
  path: string;
  message: string;
}

/** The JSON body of every non-2xx API response. */
export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  issues?: FieldIssue[];
  /** For VERSION_CONFLICT: the record as it is now. */
  current?: unknown;
}
