"""Every write of technique transfer. One function per business action.

Each service checks permission first, validates (ValidationFailed names the
field), writes inside one transaction and leaves an audit event.
"""

from .cases import capability_set_status, case_delete, case_log
from .centres import (
    centre_create,
    centre_update,
    studio_create,
    studio_lead_succeed,
    studio_trainee_add,
    studio_update,
)
from .imports import case_import_confirm, case_import_discard, case_import_preview, case_import_run
from .plans import plan_create, plan_item_add, plan_item_remove, plan_item_update, plan_update

__all__ = [
    "capability_set_status", "case_delete", "case_import_confirm", "case_import_discard", "case_import_preview",
    "case_import_run", "case_log", "centre_create", "centre_update", "plan_create", "plan_item_add",
    "plan_item_remove", "plan_item_update", "plan_update", "studio_create", "studio_lead_succeed",
    "studio_trainee_add", "studio_update",
]
