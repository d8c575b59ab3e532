"""Personal data: download one's data, delete one's account, admins' export on request,
and the company settings that govern deletion."""

from flask import Response, current_app, jsonify
from flask_login import logout_user

from ..downloads import zip_download
from ..models import User
from ..services import company_settings, personal_data
from ..services.account_deletion import do_delete_account
from ..unit_of_work import commit
from .blueprint import bp
from .common import json_body, no_content, require_user


def _export(actor: User, person: User) -> Response:
    """``person``'s data as a zip download by ``actor``; the audit entry commits with it."""
    body = personal_data.do_export(actor, person, current_app.config["COMPANY_NAME"])
    commit()
    return zip_download(body, personal_data.export_filename(person))


@bp.get("/me/export")
def export_my_data():
    """The caller's data as a zip (``data.json`` + ``README.txt``); the export is audited."""
    user = require_user()
    return _export(user, user)


@bp.get("/users/<id:user_id>/export")
def export_user_data(user_id: int):
    """An administrator exports a person's data on their request; audited with the admin."""
    admin = require_user()
    return _export(admin, personal_data.access_person_for_export(admin, user_id))


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
