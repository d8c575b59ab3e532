"""Employee advocacy (issue #19): community managers offer company-wide posts for sharing
outside; employees share them through tracked public links; figures follow.

- ``targets``: where a link may lead (the company's sites only), UTM tags, the networks'
  share pages, the robot filter and the visitor digest — no database.
- ``offers``: marking a post shareable, changing and withdrawing the offer.
- ``links``: the Share page's list, opening a share, following ``/s/<code>``.
- ``figures``: per post, per person, one's own, the opt-in leaderboard.
"""

from . import figures, links, offers, targets

__all__ = ["figures", "links", "offers", "targets"]
