"""Roles, what each may do, and how far it reaches (DESIGN.md, "Who uses it")."""

from __future__ import annotations

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("国家发展改革委管理员")
    NATIONAL_OFFICER = "national_officer", _("国家发展改革委工作人员")
    MINISTRY_REVIEWER = "ministry_reviewer", _("部委审阅人")
    PROVINCIAL_OFFICER = "provincial_officer", _("省级发展改革部门工作人员")
    PILOT_OFFICER = "pilot_officer", _("试点地区工作人员")
    DEPARTMENT_USER = "department_user", _("试点政府部门用户")
    EXPERT = "expert", _("评估专家")
    AUDITOR = "auditor", _("安全审计员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


# Who writes news items (宣传) for the public portal: the commission's officers and the provincial commissions.
NEWS_WRITERS = frozenset({Role.NATIONAL_ADMIN, Role.NATIONAL_OFFICER, Role.PROVINCIAL_OFFICER})

# The three separated admin duties (等保 2.0): none may do another's work or see business data.
ADMIN_DUTIES = frozenset({Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN})


class Reach(enum.Enum):
    """How much of the programme's business data a role may see."""

    NATION = "nation"
    PROVINCE = "province"
    PILOT = "pilot"
    ASSIGNED = "assigned"  # experts: only what an evaluation assigns to them
    NONE = "none"  # the admin duties


ROLE_REACH: dict[str, Reach] = {
    Role.NATIONAL_ADMIN: Reach.NATION,
    Role.NATIONAL_OFFICER: Reach.NATION,
    # Ministries guide pilots in their remit nationwide; unpublished reports reach them only as copies.
    Role.MINISTRY_REVIEWER: Reach.NATION,
    Role.PROVINCIAL_OFFICER: Reach.PROVINCE,
    Role.PILOT_OFFICER: Reach.PILOT,
    Role.DEPARTMENT_USER: Reach.PILOT,
    Role.EXPERT: Reach.ASSIGNED,
    Role.AUDITOR: Reach.NONE,
    Role.SECURITY_ADMIN: Reach.NONE,
    Role.SYSTEM_ADMIN: Reach.NONE,
}


class Capability(models.TextChoices):
    VIEW_PILOTS = "pilots.view", _("查看试点")
    IMPORT_REGISTRY = "pilots.import", _("导入试点名录")
    CHANGE_PILOT_STATUS = "pilots.change_status", _("变更试点状态")
    READ_AUDIT = "audit.read", _("查阅审计日志")
    MANAGE_ACCOUNTS = "accounts.manage", _("管理账号与安全策略")
    MANAGE_REFERENCE = "reference.manage", _("维护参考数据与系统配置")
    ENTER_INDICATORS = "indicators.enter", _("填报指标数据")
    ACCEPT_INDICATORS = "indicators.accept", _("确认指标数据")
    IMPORT_INDICATORS = "indicators.import", _("导入指标数据")
    FOLLOW_UP_QUALITY = "indicators.quality", _("跟进数据质量问题")
    VIEW_REPORTS = "reporting.view", _("查看试点报告")
    WRITE_PILOT_REPORT = "reporting.write_pilot", _("填报试点报告")
    REVIEW_PILOT_REPORTS = "reporting.review_pilot", _("审核试点报告、撰写省级报告")
    REVIEW_PROVINCE_REPORTS = "reporting.review_province", _("审阅省级报告")
    MANAGE_ROUNDS = "reporting.manage_rounds", _("设置报告轮次")
    READ_REPORT_COPIES = "reporting.read_copies", _("阅读抄送的省级报告")
    VIEW_PLANS = "plans.view", _("查看工作方案")
    EDIT_PLANS = "plans.edit", _("编制和报送工作方案")
    REVIEW_PLANS = "plans.review", _("审核工作方案")
    UPDATE_PROGRESS = "plans.progress", _("更新任务节点进度")
    VIEW_EVALUATION = "evaluation.view", _("查看年度评估结果")
    MANAGE_EVALUATION = "evaluation.manage", _("组织年度评估、发布结果、决定警示与退出")
    SCORE_EVALUATION = "evaluation.score", _("专家评分")
    ASSESS_PILOTS = "evaluation.assess", _("省级评价")
    OBJECT_RESULTS = "evaluation.object", _("对评估结果提出异议")
    VIEW_CONTACTS = "contacts.view", _("查看负责人与联系人")
    EDIT_CONTACTS = "contacts.edit", _("填报和报送负责人与联系人")
    MANAGE_CONTACT_ROUNDS = "contacts.manage_rounds", _("设置联系人报送轮次、维护部委和省级联系人")
    VIEW_DIFFICULTIES = "exchange.view", _("查看问题反映")
    RAISE_DIFFICULTIES = "exchange.raise", _("提出问题反映")
    ANSWER_DIFFICULTIES = "exchange.answer", _("受理和答复分办的问题反映")
    MANAGE_ROUTING = "exchange.routing", _("维护问题分办规则")
    SEND_NOTICES = "exchange.send", _("发送指导与通知")
    READ_NOTICES = "exchange.read", _("接收指导与通知")
    VIEW_EXPERIENCES = "experiences.view", _("查看典型经验")
    PROPOSE_EXPERIENCES = "experiences.propose", _("提出典型经验、登记借鉴推广")
    RECOMMEND_EXPERIENCES = "experiences.recommend", _("推荐或退回本省典型经验")
    SELECT_EXPERIENCES = "experiences.select", _("遴选、发布典型经验")


_BUSINESS_READ = {Capability.VIEW_PILOTS}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset({*_BUSINESS_READ, Capability.IMPORT_REGISTRY, Capability.CHANGE_PILOT_STATUS}),
    Role.NATIONAL_OFFICER: frozenset(_BUSINESS_READ),
    Role.MINISTRY_REVIEWER: frozenset(_BUSINESS_READ),
    Role.PROVINCIAL_OFFICER: frozenset(_BUSINESS_READ),
    Role.PILOT_OFFICER: frozenset(_BUSINESS_READ),
    Role.DEPARTMENT_USER: frozenset(_BUSINESS_READ),
    Role.EXPERT: frozenset(_BUSINESS_READ),
    Role.AUDITOR: frozenset({Capability.READ_AUDIT}),
    Role.SECURITY_ADMIN: frozenset({Capability.MANAGE_ACCOUNTS}),
    Role.SYSTEM_ADMIN: frozenset({Capability.MANAGE_REFERENCE}),
}

# Reporting (报告制度): pilots write, provinces review and report up, the commission reads, ministries get copies.
_REPORTING: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset(
        {Capability.VIEW_REPORTS, Capability.REVIEW_PROVINCE_REPORTS, Capability.MANAGE_ROUNDS}
    ),
    Role.NATIONAL_OFFICER: frozenset({Capability.VIEW_REPORTS, Capability.REVIEW_PROVINCE_REPORTS}),
    Role.MINISTRY_REVIEWER: frozenset({Capability.READ_REPORT_COPIES}),
    Role.PROVINCIAL_OFFICER: frozenset({Capability.VIEW_REPORTS, Capability.REVIEW_PILOT_REPORTS}),
    Role.PILOT_OFFICER: frozenset({Capability.VIEW_REPORTS, Capability.WRITE_PILOT_REPORT}),
    Role.DEPARTMENT_USER: frozenset({Capability.VIEW_REPORTS}),
}
for _role, _capabilities in _REPORTING.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities

# Indicators (综合评价指标体系与动态监测): pilots enter, provinces accept, provinces and the nation follow up quality.
_INDICATORS: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset(
        {Capability.ACCEPT_INDICATORS, Capability.IMPORT_INDICATORS, Capability.FOLLOW_UP_QUALITY}
    ),
    Role.NATIONAL_OFFICER: frozenset({Capability.FOLLOW_UP_QUALITY}),
    Role.PROVINCIAL_OFFICER: frozenset(
        {Capability.ACCEPT_INDICATORS, Capability.IMPORT_INDICATORS, Capability.FOLLOW_UP_QUALITY}
    ),
    Role.PILOT_OFFICER: frozenset({Capability.ENTER_INDICATORS, Capability.IMPORT_INDICATORS}),
}
for _role, _capabilities in _INDICATORS.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities

# Work plans (工作方案): pilots keep and submit them, provinces guide and approve, departments report progress.
_PLANS: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset({Capability.VIEW_PLANS}),
    Role.NATIONAL_OFFICER: frozenset({Capability.VIEW_PLANS}),
    Role.MINISTRY_REVIEWER: frozenset({Capability.VIEW_PLANS}),
    Role.PROVINCIAL_OFFICER: frozenset({Capability.VIEW_PLANS, Capability.REVIEW_PLANS}),
    Role.PILOT_OFFICER: frozenset({Capability.VIEW_PLANS, Capability.EDIT_PLANS}),
    Role.DEPARTMENT_USER: frozenset({Capability.VIEW_PLANS, Capability.UPDATE_PROGRESS}),
}
for _role, _capabilities in _PLANS.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities

# Annual evaluation (年度评估): the commission runs and publishes it, experts score the pilots assigned to them,
# provinces assess their pilots and may object to draft results; everyone with business reach reads it.
_EVALUATION: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset({Capability.VIEW_EVALUATION, Capability.MANAGE_EVALUATION}),
    Role.NATIONAL_OFFICER: frozenset({Capability.VIEW_EVALUATION}),
    Role.MINISTRY_REVIEWER: frozenset({Capability.VIEW_EVALUATION}),
    Role.PROVINCIAL_OFFICER: frozenset(
        {Capability.VIEW_EVALUATION, Capability.ASSESS_PILOTS, Capability.OBJECT_RESULTS}
    ),
    Role.PILOT_OFFICER: frozenset({Capability.VIEW_EVALUATION}),
    Role.DEPARTMENT_USER: frozenset({Capability.VIEW_EVALUATION}),
    Role.EXPERT: frozenset({Capability.VIEW_EVALUATION, Capability.SCORE_EVALUATION}),
}
for _role, _capabilities in _EVALUATION.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities
# Contacts (附件3): personal data, so only who works with the pilot sees it: its own office, its province and
# the commission. Ministries and pilot departments do not (they reach a pilot through the commission), and the
# public portal never does.
_CONTACTS: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset({Capability.VIEW_CONTACTS, Capability.MANAGE_CONTACT_ROUNDS}),
    Role.NATIONAL_OFFICER: frozenset({Capability.VIEW_CONTACTS}),
    Role.PROVINCIAL_OFFICER: frozenset({Capability.VIEW_CONTACTS, Capability.EDIT_CONTACTS}),
    Role.PILOT_OFFICER: frozenset({Capability.VIEW_CONTACTS}),
}
for _role, _capabilities in _CONTACTS.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities

# Two-way communication (双向沟通): pilots (or their province) raise difficulties, the routed departments answer,
# the commission follows up overdue ones and keeps the routing table; the commission and provinces send notices.
_EXCHANGE: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset(
        {
            Capability.VIEW_DIFFICULTIES,
            Capability.ANSWER_DIFFICULTIES,
            Capability.MANAGE_ROUTING,
            Capability.SEND_NOTICES,
        }
    ),
    Role.NATIONAL_OFFICER: frozenset(
        {Capability.VIEW_DIFFICULTIES, Capability.ANSWER_DIFFICULTIES, Capability.SEND_NOTICES}
    ),
    Role.MINISTRY_REVIEWER: frozenset({Capability.VIEW_DIFFICULTIES, Capability.ANSWER_DIFFICULTIES}),
    Role.PROVINCIAL_OFFICER: frozenset(
        {Capability.VIEW_DIFFICULTIES, Capability.RAISE_DIFFICULTIES, Capability.SEND_NOTICES}
    ),
    Role.PILOT_OFFICER: frozenset(
        {Capability.VIEW_DIFFICULTIES, Capability.RAISE_DIFFICULTIES, Capability.READ_NOTICES}
    ),
    Role.DEPARTMENT_USER: frozenset({Capability.READ_NOTICES}),
}
for _role, _capabilities in _EXCHANGE.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities

# Typical experiences (典型经验): pilots propose and record adoptions, provinces recommend or return, the
# commission selects into a promotion batch or declines, and publishes; everyone with business reach reads.
_EXPERIENCES: dict[str, frozenset[str]] = {
    Role.NATIONAL_ADMIN: frozenset({Capability.VIEW_EXPERIENCES, Capability.SELECT_EXPERIENCES}),
    Role.NATIONAL_OFFICER: frozenset({Capability.VIEW_EXPERIENCES, Capability.SELECT_EXPERIENCES}),
    Role.MINISTRY_REVIEWER: frozenset({Capability.VIEW_EXPERIENCES}),
    Role.PROVINCIAL_OFFICER: frozenset({Capability.VIEW_EXPERIENCES, Capability.RECOMMEND_EXPERIENCES}),
    Role.PILOT_OFFICER: frozenset({Capability.VIEW_EXPERIENCES, Capability.PROPOSE_EXPERIENCES}),
    Role.DEPARTMENT_USER: frozenset({Capability.VIEW_EXPERIENCES}),
    Role.EXPERT: frozenset({Capability.VIEW_EXPERIENCES}),
}
for _role, _capabilities in _EXPERIENCES.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _capabilities
