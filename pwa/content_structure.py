"""What the app's code relies on in every guidance document: ids an edit or import can't change.

Texts, numbers and hours are the CMP's to change. These ids are not: pages are precached per
region, the workspace's status flow names the Antwerp flow's steps (pwa/vocabulary.py), and the
workspace stores staff's answers under the ids of the questions of three steps, so renaming or
removing one would orphan what is already stored (adding one is fine).
"""

import functools

from . import vocabulary
from .guidance import DEFAULT_FILE, Content, ContentError, parse_document

REGION_KINDS = {"antwerpen": "flow", "nederland": "situations"}
FLOW_REGION = "antwerpen"
# The first contact of the flow region is the CMP: the "next call", the form and the privacy
# page show it; it must keep its opening hours.
CMP_CONTACT = "cmp"
# Steps whose questions the workspace turns into answer fields, stored under the questions' ids:
# the defaults' questions must stay (more may be added).
ANSWERED_STEPS = ("clarification", "case-discussion", "follow-up")


@functools.cache
def _defaults() -> Content:
    from .content_reader import read_document  # the reader imports this module's callers

    return read_document(parse_document(DEFAULT_FILE.read_text(encoding="utf-8")))


def check_structure(content: Content) -> None:
    """ContentError when a document lacks an id the code relies on (see the module's text)."""
    for region_id, kind in REGION_KINDS.items():
        region = content.regions.get(region_id)
        if region is None or region.kind != kind:
            raise ContentError(f"region '{region_id}' ({kind}) is required")
    flow = content.regions[FLOW_REGION]
    expected = [step.id for step in _defaults().regions[FLOW_REGION].steps]
    needed = {step for status in vocabulary.FLOW for step in status.content_steps}
    assert needed <= set(expected), "vocabulary.py names a step the defaults lack"
    if [step.id for step in flow.steps] != expected:
        raise ContentError(
            f"{FLOW_REGION}: the flow's steps are {', '.join(expected)}, in this order "
            "(their texts can change; the steps can't be added, removed or moved)"
        )
    if not flow.contacts or flow.contacts[0].id != CMP_CONTACT or not flow.contacts[0].hours:
        raise ContentError(f"{FLOW_REGION}: the first contact is '{CMP_CONTACT}', with hours")
    default_steps = {step.id: step for step in _defaults().regions[FLOW_REGION].steps}
    for step in flow.steps:
        if step.id not in ANSWERED_STEPS:
            continue
        ids = [item.id for item in default_steps[step.id].checklist]
        if not set(ids) <= {item.id for item in step.checklist}:
            raise ContentError(
                f"{FLOW_REGION} ({step.id}): the workspace stores answers to these questions "
                f"({', '.join(ids)}): their texts can change and questions can be added, "
                "but these can't be removed"
            )
