"""Guests from the extended company (issue #19): invitations by email into specific groups,
sign-up through the invitation, access that expires (renewable) and ends at once when the
guest leaves their last group. What a guest may see is ``policy/guests.py``'s business;
``access`` ends access, ``invitations`` invites, accepts, lists and renews."""
