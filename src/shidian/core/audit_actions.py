"""The one registry of audit action names, each with the Chinese label the audit trail shows.

Every ``audit.record`` call names a member; ``record`` refuses any other string, so a name built at run
time (an f-string) cannot slip into the trail. A test fails when a member is asserted by no test.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # accounts: sign-in and account administration
    LOGIN = "accounts.login", _("登录")
    LOGOUT = "accounts.logout", _("退出登录")
    LOGIN_FAILED = "accounts.login_failed", _("登录失败")
    LOCKED_OUT = "accounts.locked_out", _("账户锁定")
    PASSWORD_CHANGED = "accounts.password.changed", _("修改密码")
    PASSWORD_RESET = "accounts.password.reset", _("重置密码")
    PASSWORD_CHANGE_FAILED = "accounts.password.change_failed", _("修改密码失败")
    PASSWORD_CHANGE_LOCKED = "accounts.password.change_locked", _("修改密码被锁定")
    USER_CREATED = "accounts.user.created", _("新建账户")
    USER_UPDATED = "accounts.user.updated", _("修改账户")
    USER_PERMISSIONS_CHANGED = "accounts.user.permissions_changed", _("变更账户角色或单位")
    USER_UNLOCKED = "accounts.user.unlocked", _("解锁账户")
    ORGANISATION_RENAMED = "accounts.organisation.renamed", _("修改单位名称")
    LOGIN_THROTTLED = "accounts.login_throttled", _("登录过于频繁被限制")
    ACCOUNT_CHANGE_REQUESTED = "accounts.change.requested", _("申请账户变更")
    ACCOUNT_CHANGE_APPROVED = "accounts.change.approved", _("批准账户变更")
    ACCOUNT_CHANGE_REJECTED = "accounts.change.rejected", _("驳回账户变更")

    # core: the trail itself, the admin site, refused access, backups
    AUDIT_SEARCHED = "core.audit.searched", _("查询审计日志")
    AUDIT_EXPORTED = "core.audit.exported", _("导出审计日志")
    AUDIT_ALERTS_VIEWED = "core.audit.alerts_viewed", _("查看审计告警")
    AUDIT_VERIFIED = "core.audit.verified", _("校验审计链")
    API_TOKEN_CREATED = "api.token.created", _("创建接口令牌")
    API_TOKEN_REVOKED = "api.token.revoked", _("吊销接口令牌")
    API_VALUES_PUSHED = "indicators.values.pushed", _("通过接口报送指标数据")
    API_VALUES_REJECTED = "indicators.values.push_rejected", _("接口报送指标数据被拒绝")
    ADMIN_CREATED = "core.admin.created", _("管理后台新增记录")
    ADMIN_CHANGED = "core.admin.changed", _("管理后台修改记录")
    ADMIN_DELETED = "core.admin.deleted", _("管理后台删除记录")
    ADMIN_DELETE_REFUSED = "admin.delete_refused", _("管理后台拒绝删除（有关联数据）")
    ACCESS_DENIED = "core.access.denied", _("越权访问被拒绝")
    MOVE_REFUSED = "core.move.refused", _("状态变更被拒绝")
    BACKUP_CREATED = "core.backup.created", _("创建备份")
    BACKUP_RESTORED = "core.backup.restored", _("恢复备份")

    # pilots: registry and lifecycle
    PILOT_CREATED = "pilots.pilot.created", _("新增试点地区")
    PILOT_UPDATED = "pilots.pilot.updated", _("修改试点地区")
    PILOT_ACTIVE = "pilots.pilot.active", _("试点恢复为试点中")
    PILOT_WARNED = "pilots.pilot.warned", _("试点警示")
    PILOT_ELIMINATED = "pilots.pilot.eliminated", _("试点退出")
    PILOT_COMPLETED = "pilots.pilot.completed", _("试点完成")
    REGISTRY_IMPORTED = "pilots.registry.imported", _("导入试点名单")

    # regions
    MAP_UPLOADED = "regions.map.uploaded", _("上传审定地图")

    # plans: work plans, tasks, milestones, leading groups
    PLAN_CREATED = "plans.plan.created", _("新建工作方案")
    PLAN_EXPORTED = "plans.plan.exported", _("导出工作方案")
    PLAN_LIST_EXPORTED = "plans.list.exported", _("导出工作方案进展清单")
    PLAN_TEMPLATE_DOWNLOADED = "plans.template.downloaded", _("下载工作方案模板")
    PLAN_VERSION_CREATED = "plans.version.created", _("新建方案版本")
    PLAN_VERSION_UPDATED = "plans.version.updated", _("修改方案版本")
    PLAN_VERSION_IMPORTED = "plans.version.imported", _("导入方案版本")
    PLAN_IMPORT_REFUSED = "plans.import.refused", _("工作方案导入被拒绝")
    PLAN_VERSION_DRAFT = "plans.version.draft", _("方案版本退回修改")
    PLAN_VERSION_SUBMITTED = "plans.version.submitted", _("报送方案版本")
    PLAN_VERSION_RETURNED = "plans.version.returned", _("退回方案版本")
    PLAN_VERSION_APPROVED = "plans.version.approved", _("批准方案版本")
    GOAL_CREATED = "plans.goal.created", _("新增目标")
    GOAL_DELETED = "plans.goal.deleted", _("删除目标")
    TASK_CREATED = "plans.task.created", _("新增任务")
    TASK_UPDATED = "plans.task.updated", _("修改任务")
    TASK_DELETED = "plans.task.deleted", _("删除任务")
    MILESTONE_CREATED = "plans.milestone.created", _("新增节点")
    MILESTONE_UPDATED = "plans.milestone.updated", _("修改节点")
    MILESTONE_DELETED = "plans.milestone.deleted", _("删除节点")
    MILESTONE_PROGRESS = "plans.milestone.progress", _("更新节点进展")
    EVIDENCE_ATTACHED = "plans.evidence.attached", _("上传佐证材料")
    EVIDENCE_DOWNLOADED = "plans.evidence.downloaded", _("下载佐证材料")
    ANNUAL_PLAN_GENERATED = "plans.annual_plan.generated", _("生成年度计划")
    ANNUAL_PLAN_REFRESHED = "plans.annual_plan.refreshed", _("更新年度计划")
    ANNUAL_GOAL_CREATED = "plans.annual_goal.created", _("新增年度目标")
    ANNUAL_GOAL_DELETED = "plans.annual_goal.deleted", _("删除年度目标")
    GROUP_MEMBER_APPOINTED = "plans.group_member.appointed", _("任命领导小组成员")
    GROUP_MEMBER_ENDED = "plans.group_member.ended", _("领导小组成员离任")

    # reporting: rounds, pilot and province reports, copies
    ROUND_OPENED = "reporting.round.opened", _("开启报送轮次")
    ROUND_CHANGED = "reporting.round.changed", _("修改报送轮次")
    REPORT_CREATED = "reporting.report.created", _("新建试点报告")
    REPORT_DRAFT_SAVED = "reporting.report.draft_saved", _("保存试点报告草稿")
    REPORT_SUBMITTED = "reporting.report.submitted", _("报送试点报告")
    REPORT_RESUBMITTED = "reporting.report.resubmitted", _("重新报送试点报告")
    REPORT_RETURNED = "reporting.report.returned", _("退回试点报告")
    REPORT_ACCEPTED = "reporting.report.accepted", _("接收试点报告")
    REPORT_DOWNLOADED = "reporting.report.downloaded", _("下载试点报告")
    TAG_CREATED = "reporting.tag.created", _("新增报告标注")
    TAG_DELETED = "reporting.tag.deleted", _("删除报告标注")
    ATTACHMENT_ADDED = "reporting.attachment.added", _("上传报告附件")
    ATTACHMENT_REMOVED = "reporting.attachment.removed", _("删除报告附件")
    ATTACHMENT_DOWNLOADED = "reporting.attachment.downloaded", _("下载报告附件")
    PROVINCE_REPORT_CREATED = "reporting.province_report.created", _("新建省级报告")
    PROVINCE_REPORT_REASSEMBLED = "reporting.province_report.reassembled", _("重新汇总省级报告")
    PROVINCE_REPORT_DRAFT_SAVED = "reporting.province_report.draft_saved", _("保存省级报告草稿")
    PROVINCE_REPORT_SUBMITTED = "reporting.province_report.submitted", _("报送省级报告")
    PROVINCE_REPORT_ACKNOWLEDGED = "reporting.province_report.acknowledged", _("签收省级报告")
    PROVINCE_REPORT_RETURNED = "reporting.province_report.returned", _("退回省级报告")
    PROVINCE_REPORT_DOWNLOADED = "reporting.province_report.downloaded", _("下载省级报告")
    COPY_READ = "reporting.copy.read", _("阅读抄送报告")
    MATRIX_EXPORTED = "reporting.matrix.exported", _("导出报送情况表")
    INBOX_EXPORTED = "reporting.inbox.exported", _("导出省级报告收件箱")
    OFF_TRACK_EXPORTED = "indicators.off_track.exported", _("导出进度滞后清单")
    REMINDERS_SENT = "reporting.reminders.sent", _("发送报送提醒")

    # indicators: catalogue, targets, values, quality, imports
    INDICATOR_CREATED = "indicators.indicator.created", _("新增指标")
    INDICATOR_CHANGED = "indicators.indicator.changed", _("修改指标")
    TARGET_SET = "indicators.target.set", _("设定指标目标")
    TARGET_REMOVED = "indicators.target.removed", _("删除指标目标")
    VALUE_CREATED = "indicators.value.created", _("填报指标数值")
    VALUE_CHANGED = "indicators.value.changed", _("修改指标数值")
    VALUE_CORRECTED = "indicators.value.corrected", _("更正指标数值")
    VALUE_DRAFT = "indicators.value.draft", _("指标数值退回草稿")
    VALUE_SUBMITTED = "indicators.value.submitted", _("报送指标数值")
    VALUE_ACCEPTED = "indicators.value.accepted", _("确认指标数值")
    QUALITY_CHECKED = "indicators.quality.checked", _("数据质量检查")
    QUALITY_FOLLOWED_UP = "indicators.quality.followed_up", _("跟进数据质量问题")
    IMPORT_UPLOADED = "indicators.import.uploaded", _("上传指标导入文件")
    IMPORT_REJECTED = "indicators.import.rejected", _("指标导入被拒绝")
    IMPORT_APPLIED = "indicators.import.applied", _("应用指标导入")
    INDICATOR_TEMPLATE_DOWNLOADED = "indicators.template.downloaded", _("下载指标导入模板")

    # evaluation: schemes, scores, runs, objections, warnings and eliminations, bulletins
    SCHEME_CREATED = "evaluation.scheme.created", _("新建评估方案")
    SCHEME_CHANGED = "evaluation.scheme.changed", _("修改评估方案")
    SCHEME_FROZEN = "evaluation.scheme.frozen", _("评估方案冻结")
    ASSESSMENT_SET = "evaluation.assessment.set", _("填报省级评价")
    EXPERT_ASSIGNED = "evaluation.assignment.created", _("分配评估专家")
    EXPERT_SCORED = "evaluation.score.saved", _("专家评分")
    RUN_CREATED = "evaluation.run.created", _("计算年度评估")
    RUN_PUBLISHED = "evaluation.run.published", _("发布年度评估结果")
    OBJECTION_FILED = "evaluation.objection.filed", _("提出评估异议")
    OBJECTION_ANSWERED = "evaluation.objection.answered", _("答复评估异议")
    PROPOSALS_CREATED = "evaluation.proposals.created", _("生成警示与退出建议")
    WARNING_APPROVED = "evaluation.warning.approved", _("批准警示")
    WARNING_REJECTED = "evaluation.warning.rejected", _("不予警示")
    WARNING_RECTIFIED = "evaluation.warning.rectified", _("登记整改结果")
    ELIMINATION_APPROVED = "evaluation.elimination.approved", _("批准退出")
    ELIMINATION_REJECTED = "evaluation.elimination.rejected", _("不予退出")
    BULLETIN_SAVED = "evaluation.bulletin.saved", _("编制评估通报")
    BULLETIN_DOWNLOADED = "evaluation.bulletin.downloaded", _("下载评估通报")
    # contacts: leaders and contact persons (附件3), contact rounds
    CONTACT_RECORDED = "contacts.entry.recorded", _("填报负责人与联系人")
    CONTACT_CONFIRMED = "contacts.entry.confirmed", _("确认负责人与联系人无变动")
    CONTACTS_UPLOADED = "contacts.upload.applied", _("导入负责人与联系人")
    CONTACTS_UPLOAD_REJECTED = "contacts.upload.rejected", _("负责人与联系人导入被拒绝")
    CONTACT_LIST_VIEWED = "contacts.list.viewed", _("查看联系人名单")
    CONTACT_LIST_EXPORTED = "contacts.list.exported", _("导出联系人名单")
    CONTACT_ROUND_OPENED = "contacts.round.opened", _("开启联系人报送轮次")
    CONTACT_SUBMISSION_SUBMITTED = "contacts.submission.submitted", _("报送负责人与联系人")
    CONTACTS_DEMO_LOADED = "contacts.demo.loaded", _("载入联系人演示数据")
    # portal: news items (宣传) on the public portal
    NEWS_CREATED = "portal.news.created", _("新建宣传稿件")
    NEWS_UPDATED = "portal.news.updated", _("修改宣传稿件")
    NEWS_PUBLISHED = "portal.news.published", _("发布宣传稿件")
    NEWS_WITHDRAWN = "portal.news.draft", _("撤回宣传稿件")
    NEWS_IMAGE_REFUSED = "portal.news.image_refused", _("宣传稿件图片被拒绝")
    PORTAL_DEMO_LOADED = "portal.demo.loaded", _("载入门户演示数据")

    # demo data
    PLANS_DEMO_LOADED = "plans.demo.loaded", _("载入工作方案演示数据")
    REPORTING_DEMO_LOADED = "reporting.demo.loaded", _("载入报告演示数据")
    INDICATORS_DEMO_LOADED = "indicators.demo.loaded", _("载入指标演示数据")
    EVALUATION_DEMO_LOADED = "evaluation.demo.loaded", _("载入年度评估演示数据")


def label(action: str) -> str:
    """The Chinese label of ``action``, or the name itself for an event older than the registry."""
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action
