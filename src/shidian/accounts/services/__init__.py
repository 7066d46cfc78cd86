"""Create and change organisations and accounts. Every change is audited.

One module per domain object; callers import the package (``from shidian.accounts import services``) and
use the names re-exported here.
"""

from shidian.accounts.services.changes import approve_account_change, reject_account_change
from shidian.accounts.services.duties import check_role_fits
from shidian.accounts.services.organisations import (
    EXPERT_PANEL,
    JOINT_REVIEW_MINISTRIES,
    NATIONAL_COMMISSION,
    OPERATIONS_UNIT,
    PLANNING_DIVISION,
    ensure_base_organisations,
    ensure_pilot_organisations,
    load_organisation_names,
    pilot_government_name,
    provincial_commission_name,
    resolve_organisation,
)
from shidian.accounts.services.passwords import (
    change_password,
    generate_one_time_code,
    issue_one_time_code,
    one_time_code_expired,
    one_time_code_lifetime,
    reset_admin_duty_code,
)
from shidian.accounts.services.users import (
    CONTACT_FIELDS,
    PERMISSION_FIELDS,
    USER_FIELDS,
    ProposedAccount,
    create_user,
    request_account,
    update_user,
)

__all__ = [
    "CONTACT_FIELDS",
    "EXPERT_PANEL",
    "JOINT_REVIEW_MINISTRIES",
    "NATIONAL_COMMISSION",
    "OPERATIONS_UNIT",
    "PERMISSION_FIELDS",
    "PLANNING_DIVISION",
    "USER_FIELDS",
    "ProposedAccount",
    "approve_account_change",
    "change_password",
    "check_role_fits",
    "create_user",
    "ensure_base_organisations",
    "ensure_pilot_organisations",
    "generate_one_time_code",
    "issue_one_time_code",
    "load_organisation_names",
    "one_time_code_expired",
    "one_time_code_lifetime",
    "pilot_government_name",
    "provincial_commission_name",
    "reject_account_change",
    "request_account",
    "reset_admin_duty_code",
    "resolve_organisation",
    "update_user",
]
