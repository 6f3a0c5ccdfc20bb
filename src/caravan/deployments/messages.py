"""The composer's sentences in the user's language (the composer itself speaks codes and English)."""

from django.utils.translation import gettext_lazy as _

from .composer import Reason
from .vocab import role_label

SENTENCES = {
    "no_role": _("no available %(role)s%(speaking)s in the pool for %(period)s"),
    "too_few": _("only %(count)s available %(role)s%(speaking)s in the pool for %(period)s, %(wanted)s needed"),
    "all_taken": _("every available %(role)s is in the team for a need of higher or equal priority"),
    "hospital_cap": _("the free candidates for %(role)s come from sending hospitals already at their limit of "
                      "%(limit)s"),
    "team_full": _("the team is full (%(size)s of at most %(limit)s)"),
    "host_full": _("the host already receives %(size)s of at most %(limit)s"),
    "trade_off": _("covering it would leave a need of higher priority uncovered or break the team's seniority, "
                   "role mix or hospital limits"),
    "pin_unknown": _("pinned person %(person)s is not in the pool"),
    "pin_excluded": _("%(person)s is both pinned and excluded"),
    "pin_closed": _("%(person)s is pinned to a need that is not open"),
    "pin_unfit": _("%(person)s cannot fill %(need)s: no matching role, availability or language"),
    "pins": _("the pinned people cannot all be placed together with the other rules"),
    "team_size": _("a team of %(low)s-%(high)s cannot be formed from the eligible candidates"),
    "host_team_size": _("each host cannot receive %(low)s-%(high)s people"),
    "seniority": _("the team cannot include %(count)s people with senior titles"),
    "role_mix": _("the role mix (%(mix)s) cannot be met"),
    "several": _("several rules conflict together (team size, seniority, role mix and pins)"),
    "timeout": _("no team was found within the time limit"),
}


def say(reason: Reason) -> str:
    params = dict(reason.params)
    if "role" in params:
        params["role"] = role_label(str(params["role"])).lower()
    if params.get("speaking"):
        params["speaking"] = " " + str(_("speaking %(language)s") % {"language": params["speaking"].split()[-1]})
    return str(SENTENCES[reason.code]) % params
