"""Onboarding journeys (issue #19): HR's templates (:mod:`.templates`), each new joiner's
journey with its buddy and welcome post (:mod:`.journeys`, read by :mod:`.reading`),
ticking steps and the final feedback (:mod:`.steps`), reminders of overdue steps
(:mod:`.reminders`), the figures for analytics (:mod:`.figures`) and the pages' forms
(:mod:`.forms`)."""

from ..accounts import on_account_created, on_account_deactivated
from .figures import onboarding_figures
from .forms import person_id_of, template_from_form
from .journeys import (
    access_journey,
    check_in_progress_flag,
    do_forget,
    do_replace_buddy,
    do_set_buddy,
    do_start_for,
    do_start_for_new_account,
    do_start_journey,
    list_journeys,
    my_journey,
    suggest_buddy,
)
from .reading import checklist, describe_journeys, export_entry, journey_dict
from .reminders import do_send_overdue_reminders
from .steps import do_answer_feedback, do_complete_step, do_uncomplete_step
from .templates import (
    access_template,
    do_create_template,
    do_delete_template,
    do_update_template,
    list_templates,
    may_manage,
    template_dict,
)

on_account_created(do_start_for_new_account)
on_account_deactivated(do_replace_buddy)

__all__ = [
    "access_journey",
    "access_template",
    "check_in_progress_flag",
    "checklist",
    "describe_journeys",
    "do_forget",
    "do_answer_feedback",
    "do_complete_step",
    "do_create_template",
    "do_delete_template",
    "do_replace_buddy",
    "do_send_overdue_reminders",
    "do_set_buddy",
    "do_start_for",
    "do_start_for_new_account",
    "do_start_journey",
    "do_uncomplete_step",
    "do_update_template",
    "export_entry",
    "journey_dict",
    "list_journeys",
    "list_templates",
    "may_manage",
    "my_journey",
    "onboarding_figures",
    "person_id_of",
    "suggest_buddy",
    "template_dict",
    "template_from_form",
]
