"""Topics: every hashtag is a topic, with a page, followers, a description and merges.

``core`` holds the topic pages, lists, follows and curation; ``aliases`` (models only)
resolves merged tags, and is what posts and the feed ask when storing or filtering a tag
— this package's ``__init__`` imports neither, so they import it without a circle.
"""
