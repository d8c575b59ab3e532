"""People: the profile they edit themselves, skills and endorsements, experts, the org
chart. Organisational fields (manager, department, site, hire date, role) stay with the
administrators' ``accounts.do_update_user``."""
