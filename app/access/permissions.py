"""Who may do what: the permission matrix, as data. `docs/permissions.md` documents this table
and a test keeps the two in step."""

import enum

from app.accounts.models import GlobalRole, OrgRole


class Permission(enum.StrEnum):
    # Inside one organisation
    VIEW_RESULTS = "view_results"
    VIEW_DESIGNS = "view_designs"
    EDIT_SURVEYS = "edit_surveys"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    PUBLISH_SURVEYS = "publish_surveys"
    EXPORT_RESULTS = "export_results"
    EXPORT_RESPONSES = "export_responses"
    IMPORT_RESPONSES = "import_responses"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_API_TOKENS = "manage_api_tokens"
    DELETE_TEST_RESPONSES = "delete_test_responses"
    DELETE_RESPONSES = "delete_responses"
    MANAGE_OPT_INS = "manage_opt_ins"
    # Across organisations (NPU staff)
    READ_SUBMITTED_DESIGNS = "read_submitted_designs"
    WORK_REVIEW_QUEUE = "work_review_queue"
    ADMINISTER_ORGANISATIONS = "administer_organisations"
    ADMINISTER_USERS = "administer_users"
    ADMINISTER_REFERENCE_DATA = "administer_reference_data"


_EDITOR = {
    Permission.VIEW_RESULTS,
    Permission.VIEW_DESIGNS,
    Permission.EDIT_SURVEYS,
    Permission.SUBMIT_FOR_REVIEW,
    Permission.PUBLISH_SURVEYS,
    Permission.EXPORT_RESULTS,
    Permission.EXPORT_RESPONSES,
    Permission.IMPORT_RESPONSES,
    Permission.MANAGE_OPT_INS,
}

ORG_ROLE_PERMISSIONS: dict[OrgRole, frozenset[Permission]] = {
    OrgRole.OWNER: frozenset(
        _EDITOR
        | {
            Permission.MANAGE_MEMBERS,
            Permission.MANAGE_SETTINGS,
            Permission.MANAGE_API_TOKENS,
            Permission.DELETE_TEST_RESPONSES,
            Permission.DELETE_RESPONSES,
        }
    ),
    OrgRole.EDITOR: frozenset(_EDITOR),
    OrgRole.VIEWER: frozenset({Permission.VIEW_RESULTS, Permission.VIEW_DESIGNS}),
}

GLOBAL_ROLE_PERMISSIONS: dict[GlobalRole, frozenset[Permission]] = {
    GlobalRole.ADVISOR: frozenset({Permission.READ_SUBMITTED_DESIGNS, Permission.WORK_REVIEW_QUEUE}),
    GlobalRole.ADMIN: frozenset(
        {
            Permission.ADMINISTER_ORGANISATIONS,
            Permission.ADMINISTER_USERS,
            Permission.ADMINISTER_REFERENCE_DATA,
        }
    ),
}

ORG_PERMISSIONS = frozenset().union(*ORG_ROLE_PERMISSIONS.values())
GLOBAL_PERMISSIONS = frozenset().union(*GLOBAL_ROLE_PERMISSIONS.values())
