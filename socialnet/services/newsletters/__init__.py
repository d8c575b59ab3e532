"""Newsletters (issue #18): ``audience`` (who an issue goes to), ``composing`` (checks,
drafts, scheduling), ``reading`` (what an issue shows one reader, its dict, the list),
``sending`` (publication and the emails, through the job loop, once per recipient),
``tracking`` (opens, clicks, reach, CSV, the reader's export)."""
