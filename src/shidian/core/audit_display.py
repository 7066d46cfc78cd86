"""Audit events as people read them: Chinese action names, field verbose names and choice labels.

The trail stores codes (``accounts.user.created``, ``role``, ``national_officer``) so that it can be searched
and compared; pages show what the codes mean. Unknown codes are shown as they are, never dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shidian.core import formatting

# Verbs of dotted action names (app.object.verb).
VERBS: dict[str, Any] = {
    "created": gettext_lazy("创建"),
    "updated": gettext_lazy("修改"),
    "changed": gettext_lazy("修改"),
    "deleted": gettext_lazy("删除"),
    "removed": gettext_lazy("删除"),
    "submitted": gettext_lazy("报送"),
    "approved": gettext_lazy("批准"),
    "accepted": gettext_lazy("确认"),
    "acknowledged": gettext_lazy("签收"),
    "returned": gettext_lazy("退回"),
    "reopened": gettext_lazy("重新编辑"),
    "draft_saved": gettext_lazy("保存草稿"),
    "reassembled": gettext_lazy("重新汇总"),
    "imported": gettext_lazy("导入"),
    "uploaded": gettext_lazy("上传"),
    "applied": gettext_lazy("写入"),
    "rejected": gettext_lazy("拒绝"),
    "opened": gettext_lazy("开启"),
    "read": gettext_lazy("阅读"),
    "sent": gettext_lazy("发送"),
    "set": gettext_lazy("设定"),
    "corrected": gettext_lazy("更正"),
    "checked": gettext_lazy("检查"),
    "followed_up": gettext_lazy("跟进"),
    "attached": gettext_lazy("上传"),
    "added": gettext_lazy("添加"),
    "appointed": gettext_lazy("任命"),
    "ended": gettext_lazy("卸任"),
    "generated": gettext_lazy("生成"),
    "progress": gettext_lazy("更新进度"),
    "loaded": gettext_lazy("载入"),
    "searched": gettext_lazy("查询"),
    "warned": gettext_lazy("预警"),
    "forgiven": gettext_lazy("解除预警"),
    "eliminated": gettext_lazy("淘汰"),
    "completed": gettext_lazy("完成"),
    "active": gettext_lazy("恢复正常"),
}

# Objects of action names that are not a model's name.
OBJECTS: dict[str, Any] = {
    "demo": gettext_lazy("演示数据"),
    "audit": gettext_lazy("审计日志"),
    "registry": gettext_lazy("试点名录"),
    "import": gettext_lazy("导入文件"),
    "quality": gettext_lazy("数据质量"),
    "reminders": gettext_lazy("提醒"),
    "map": gettext_lazy("地图边界"),
    "password": gettext_lazy("密码"),
    "target": gettext_lazy("目标值"),
    "value": gettext_lazy("指标数值"),
}

# Whole action names that read better as one phrase.
ACTIONS: dict[str, Any] = {
    "accounts.login": gettext_lazy("登录"),
    "accounts.logout": gettext_lazy("退出"),
    "accounts.login_failed": gettext_lazy("登录失败"),
    "accounts.locked_out": gettext_lazy("账号锁定"),
    "accounts.password.change_failed": gettext_lazy("修改密码失败"),
    "accounts.password.change_locked": gettext_lazy("修改密码被锁定"),
    "accounts.password.reset": gettext_lazy("重置密码"),
    "accounts.user.permissions_changed": gettext_lazy("修改账号权限"),
    "accounts.user.unlocked": gettext_lazy("解锁账号"),
}

# Keys of event details (they are not model fields).
DETAIL_KEYS: dict[str, Any] = {
    "action": gettext_lazy("操作"),
    "awaiting": gettext_lazy("待审核"),
    "comment": gettext_lazy("意见"),
    "copies": gettext_lazy("抄送份数"),
    "create": gettext_lazy("新增"),
    "update": gettext_lazy("更新"),
    "unchanged": gettext_lazy("未变"),
    "depends_on": gettext_lazy("前置节点"),
    "file": gettext_lazy("文件"),
    "findings": gettext_lazy("发现问题"),
    "late": gettext_lazy("逾期"),
    "missing": gettext_lazy("未报送"),
    "new_issues": gettext_lazy("新问题"),
    "page": gettext_lazy("页码"),
    "format": gettext_lazy("格式"),
    "drafts": gettext_lazy("草稿"),
    "revision": gettext_lazy("修订号"),
    "unacknowledged": gettext_lazy("未确认收到"),
    "document_number": gettext_lazy("发文字号"),
    "requested_by": gettext_lazy("申请人"),
    "period": gettext_lazy("期间"),
    "pilot_due": gettext_lazy("试点报送期限"),
    "province_due": gettext_lazy("省级报送期限"),
    "province_missing": gettext_lazy("省级未报送"),
    "province_reports": gettext_lazy("省级报告"),
    "province_returned": gettext_lazy("省级报告退回"),
    "plans": gettext_lazy("工作方案"),
    "q": gettext_lazy("关键词"),
    "reports": gettext_lazy("报告"),
    "returned": gettext_lazy("退回"),
    "rounds": gettext_lazy("报送轮次"),
    "row": gettext_lazy("行"),
    "start_date": gettext_lazy("起始日期"),
    "target_year": gettext_lazy("目标年份"),
    "targets": gettext_lazy("目标值"),
    "user": gettext_lazy("用户名"),
    "values": gettext_lazy("指标数值"),
    "version": gettext_lazy("版本"),
    "reason": gettext_lazy("原因"),
    "username": gettext_lazy("用户名"),
    "demo": gettext_lazy("演示数据"),
    # contacts (附件3)
    "on": gettext_lazy("截至日期"),
    "province": gettext_lazy("省份"),
    "pilots": gettext_lazy("试点数"),
    "rows": gettext_lazy("行数"),
    "changed": gettext_lazy("有变动"),
    "errors": gettext_lazy("错误数"),
    "first": gettext_lazy("错误"),
    "form": gettext_lazy("填报表单"),
    "valid_from": gettext_lazy("起始日期"),
    "round": gettext_lazy("报送轮次"),
    "batches": gettext_lazy("批次"),
    "due_on": gettext_lazy("报送截止日期"),
    "changes_only": gettext_lazy("仅报送变动"),
    "provinces": gettext_lazy("省份数"),
    "submitted_on": gettext_lazy("报送日期"),
    "entries": gettext_lazy("条数"),
    "late_province": gettext_lazy("逾期省份"),
    # exports of lists
    "filters": gettext_lazy("筛选条件"),
    "indicator": gettext_lazy("指标"),
    "batch": gettext_lazy("批次"),
    "status": gettext_lazy("状态"),
    # exchange: difficulties and notices
    "category": gettext_lazy("类别"),
    "lead": gettext_lazy("牵头部门"),
    "co_handlers": gettext_lazy("协办部门"),
    "source_report": gettext_lazy("来源报告"),
    "accepted_on": gettext_lazy("受理日期"),
    "answered_on": gettext_lazy("答复日期"),
    "escalated_on": gettext_lazy("督办日期"),
    "rating": gettext_lazy("满意度"),
    "size": gettext_lazy("大小"),
    "sha256": gettext_lazy("校验值"),
    "reply": gettext_lazy("办理记录"),
    "audience": gettext_lazy("发送范围"),
    "recipients": gettext_lazy("接收试点数"),
    "files": gettext_lazy("附件"),
    "pilot": gettext_lazy("试点地区"),
    "difficulties": gettext_lazy("问题反映数"),
    "notices": gettext_lazy("通知数"),
    # experiences, portal, evaluation, API tokens, notifications
    "access": gettext_lazy("权限"),
    "adopted_on": gettext_lazy("借鉴日期"),
    "adoptions": gettext_lazy("借鉴推广数"),
    "answer": gettext_lazy("答复"),
    "bytes": gettext_lazy("字节数"),
    "eliminations": gettext_lazy("退出建议数"),
    "evidence": gettext_lazy("整改材料"),
    "experience": gettext_lazy("典型经验"),
    "experiences": gettext_lazy("典型经验数"),
    "expert": gettext_lazy("专家"),
    "expires_on": gettext_lazy("有效期至"),
    "file_name": gettext_lazy("文件名"),
    "image": gettext_lazy("配图"),
    "kind": gettext_lazy("类型"),
    "message": gettext_lazy("说明"),
    "name": gettext_lazy("名称"),
    "news": gettext_lazy("宣传稿件数"),
    "note": gettext_lazy("备注"),
    "number": gettext_lazy("编号"),
    "published_on": gettext_lazy("发布日期"),
    "results": gettext_lazy("成效"),
    "run": gettext_lazy("评估计算"),
    "score": gettext_lazy("得分"),
    "title": gettext_lazy("标题"),
    "warnings": gettext_lazy("警示建议数"),
    "year": gettext_lazy("年度"),
    # accounts, core, indicators, plans, reporting (found by test_every_detail_key_written_has_a_chinese_label)
    "archive": gettext_lazy("备份文件"),
    "audit_events": gettext_lazy("审计事件数"),
    "background": gettext_lazy("后台处理"),
    "based_on": gettext_lazy("依据版本"),
    "code": gettext_lazy("代码"),
    "computed": gettext_lazy("计算值数"),
    "content_type": gettext_lazy("文件类型"),
    "copy": gettext_lazy("抄送"),
    "count": gettext_lazy("数量"),
    "created": gettext_lazy("新建数"),
    "created_at": gettext_lazy("创建时间"),
    "cursor": gettext_lazy("分页位置"),
    "days": gettext_lazy("天数"),
    "effective_on": gettext_lazy("生效日期"),
    "failures": gettext_lazy("失败次数"),
    "first_error": gettext_lazy("首个错误"),
    "flow": gettext_lazy("流程"),
    "formula": gettext_lazy("计算公式"),
    "from": gettext_lazy("原状态"),
    "goals": gettext_lazy("目标数"),
    "idempotency_key": gettext_lazy("幂等键"),
    "ip": gettext_lazy("IP 地址"),
    "milestone": gettext_lazy("节点"),
    "milestones": gettext_lazy("节点数"),
    "ministries": gettext_lazy("部委"),
    "mode": gettext_lazy("方式"),
    "new_versions": gettext_lazy("新版本数"),
    "organisation": gettext_lazy("单位"),
    "pilot_sections": gettext_lazy("试点章节数"),
    "report": gettext_lazy("报告"),
    "review_number": gettext_lazy("审图号"),
    "role": gettext_lazy("角色"),
    "server": gettext_lazy("服务器"),
    "skipped_with_errors": gettext_lazy("因错误跳过"),
    "source": gettext_lazy("来源"),
    "step": gettext_lazy("步骤"),
    "tasks": gettext_lazy("任务数"),
    "to": gettext_lazy("新状态"),
    "until": gettext_lazy("截止日期"),
    "updated_drafts": gettext_lazy("更新草稿数"),
    "value": gettext_lazy("数值"),
    "via": gettext_lazy("途径"),
    "wait_seconds": gettext_lazy("等待秒数"),
    "would_touch": gettext_lazy("将影响条数"),
    "written": gettext_lazy("写入条数"),
}


@dataclass(frozen=True)
class Line:
    """One changed field or detail: its Chinese label, the code it stands for, before and after."""

    label: str
    code: str
    before: str
    after: str = ""


def _model(object_type: str) -> type[models.Model] | None:
    if not object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def value_text(value: Any, field: models.Field[Any, Any] | None = None) -> str:
    """A stored value as people read it: choice labels, 是/否, Chinese dates; "—" for nothing."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, bool):
        return formatting.YES if value else formatting.NO
    if isinstance(value, str) and isinstance(field, models.DateTimeField):
        try:
            return formatting.datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and isinstance(field, models.DateField):
        try:
            return formatting.date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return "、".join(value_text(v) for v in value)
    if isinstance(value, Mapping):
        return "；".join(f"{DETAIL_KEYS.get(str(k), k)}：{value_text(v)}" for k, v in value.items())
    return str(value)


def action_label(action: str, object_type: str = "") -> str:
    """``plans.version.submitted`` → 工作方案版本 报送; unknown parts stay as they are."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    parts = action.split(".")
    if len(parts) < 3:
        return action
    app_label, obj, verb = parts[0], parts[1], ".".join(parts[2:])
    model = _model(object_type) if object_type else None
    if model is None:
        key = obj.replace("_", "")
        candidates = _models_of(app_label)
        model = next((m for m in candidates if m._meta.model_name == key), None) or next(
            (m for m in candidates if (m._meta.model_name or "").endswith(key)), None
        )
    noun = str(model._meta.verbose_name) if model is not None else str(OBJECTS.get(obj, ""))
    verb_text = str(VERBS.get(verb, ""))
    if not noun or not verb_text:
        return action
    return _("%(verb)s%(noun)s") % {"verb": verb_text, "noun": noun}


def _models_of(app_label: str) -> list[type[models.Model]]:
    try:
        return list(apps.get_app_config(app_label).get_models())
    except LookupError:
        return []


def change_lines(object_type: str, changes: Mapping[str, Any]) -> list[Line]:
    """The changed fields of an event, each with the model's verbose name and readable values."""
    model = _model(object_type)
    lines = []
    for name, pair in changes.items():
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else str(DETAIL_KEYS.get(name, name))
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        lines.append(Line(label, name, value_text(before, field), value_text(after, field)))
    return lines


def detail_lines(detail: Mapping[str, Any]) -> list[Line]:
    """The details of an event with Chinese labels for the keys the platform writes."""
    return [
        Line(str(DETAIL_KEYS.get(k, k)), k, str(v).upper() if k == "format" else value_text(v))
        for k, v in detail.items()
    ]
