"""The pain-point register: irritants people file, vote for, comment on, and that
community managers and managers triage until they are solved (or will not be).

One module per job: :mod:`.reading` (who sees what, the pain point as each viewer sees
it, its lock, ``pain_point.updated``), :mod:`.filing` (filing and rewording),
:mod:`.voting` (votes and following), :mod:`.triage` (status, owner, resolution note,
merges), :mod:`.register` (the lists, totals and CSV export), :mod:`.personal` (the
personal-data export's votes and follows) and :mod:`.texts` (the words people read).
A pain point is a post of kind ``pain_point``: comments are the post's
(``/posts/{id}/comments``), and :func:`access_pain_point` answers 404 for one its caller
may not see, exactly like a missing one.
"""

from .filing import do_file_pain_point
from .reading import access_pain_point, pain_point_for, pain_points_for_posts
from .register import export_csv, list_pain_points, summarize
from .texts import STATUS_LABELS, status_label
from .triage import do_merge, do_update_pain_point
from .voting import do_follow, do_unvote, do_vote

__all__ = [
    "STATUS_LABELS",
    "access_pain_point",
    "do_file_pain_point",
    "do_follow",
    "do_merge",
    "do_unvote",
    "do_update_pain_point",
    "do_vote",
    "export_csv",
    "list_pain_points",
    "pain_point_for",
    "pain_points_for_posts",
    "status_label",
    "summarize",
]
