"""Personal data: download one's data, delete one's account, admins' export on request,
and the company settings that govern deletion."""

from flask import Response, current_app, jsonify
from flask_login import logout_user

from ..extensions import db
from ..models import User
from ..services import audit, company_settings, personal_data
from ..services.account_deletion import do_delete_account
from . import bp
from .common import commit, json_body, no_content, require_user
from .openapi import (
    NO_CONTENT,
    R400,
    R401,
    R403,
    R404,
    document,
    error_response,
    id_param,
    json_body_of,
    json_response,
    operation,
    ref,
)


def export_response(actor: User, person: User) -> Response:
    """``person``'s data as a zip download, exported by ``actor`` (themself or an admin
    whom the caller checked), recorded in the audit log first. Shared by the API and
    the HTML views. The archive is built first, so the audit entry means it was."""
    body = personal_data.export_zip(person, current_app.config["COMPANY_NAME"])
    audit.record(actor, "personal_data.exported", "user", person.id)
    db.session.commit()  # only an export that was built is recorded
    response = Response(body, mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{personal_data.export_filename(person)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/me/export")
def export_my_data():
    """The caller's data as a zip (``data.json`` + ``README.txt``); the export is audited."""
    user = require_user()
    return export_response(user, user)


@bp.get("/users/<id:user_id>/export")
def export_user_data(user_id: int):
    """An administrator exports a person's data on their request; audited with the admin."""
    admin = require_user()
    return export_response(admin, personal_data.access_person_for_export(admin, user_id))


@bp.delete("/me")
def delete_my_account():
    """Delete the caller's account (password required); every session of it ends."""
    do_delete_account(require_user(), json_body())
    commit()
    logout_user()
    return no_content()


@bp.get("/admin/settings")
def get_company_settings():
    company_settings.check_can_manage(require_user())
    return jsonify({"items": company_settings.describe()})


@bp.patch("/admin/settings")
def update_company_settings():
    user = require_user()
    company_settings.check_can_manage(user)  # before reading the body: 403 whatever was sent
    company_settings.do_update(user, json_body())
    commit()
    return jsonify({"items": company_settings.describe()})


ZIP = {
    "description": "A zip archive: data.json (everything stored about the person) and README.txt",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}
SETTINGS_LIST = {
    "type": "object",
    "required": ["items"],
    "properties": {"items": {"type": "array", "items": ref("CompanySetting")}},
}

document(
    {
        "/me/export": {
            "get": operation(
                "Download all your data (GDPR access and portability): a zip holding "
                "data.json and a README. Audited.",
                {200: ZIP, 401: R401, 403: R403},
            )
        },
        "/me": {
            "get": operation(
                "The caller's own account", {200: json_response(ref("User")), 401: R401}
            ),
            "delete": operation(
                "Delete your account, with your password. Your profile is erased and every "
                "session, token and socket ends; your posts, comments, reactions and votes "
                "are anonymised or removed, as the company's `account_deletion` setting says.",
                {
                    204: NO_CONTENT,
                    400: error_response("Invalid input; `fields.password` is `incorrect`"),
                    401: R401,
                    403: R403,
                    409: error_response(
                        "You are the last administrator of the network or of a group with "
                        "other members: hand over first"
                    ),
                },
                requestBody=json_body_of("AccountDeletion"),
            ),
        },
        "/users/{user_id}/export": {
            "get": operation(
                "Export a person's data on their request (administrators). Audited.",
                {200: ZIP, 401: R401, 403: R403, 404: R404},
                parameters=[id_param("user_id")],
            )
        },
        "/admin/settings": {
            "get": operation(
                "Company settings with their allowed values (administrators)",
                {200: json_response(SETTINGS_LIST), 401: R401, 403: R403},
            ),
            "patch": operation(
                "Change company settings (administrators); audited",
                {200: json_response(SETTINGS_LIST), 400: R400, 401: R401, 403: R403},
                requestBody=json_body_of("CompanySettingsPatch"),
            ),
        },
    },
    {
        "AccountDeletion": {
            "type": "object",
            "additionalProperties": False,
            "required": ["password"],
            "properties": {"password": {"type": "string", "maxLength": 256}},
        },
        "CompanySetting": {
            "type": "object",
            "required": ["key", "value", "allowed", "help"],
            "properties": {
                "key": {"type": "string"},
                "value": {"type": "string"},
                "allowed": {"type": "array", "items": {"type": "string"}},
                "help": {"type": "string"},
            },
        },
        "CompanySettingsPatch": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                key: {"type": "string", "enum": list(allowed)}
                for key, (_, allowed, _) in company_settings.SETTINGS.items()
            },
        },
    },
)
