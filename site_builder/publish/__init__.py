"""Publishing by git: releases in a web root, git hooks, scheduled posts and previews.

The web root (what the web server serves)::

    WEB_ROOT/releases/<UTC time>-<short commit>/   one immutable built site each, with release.json
    WEB_ROOT/current -> releases/<...>             the live release (switched atomically)
    WEB_ROOT/preview/<branch>/                     previews of other branches ('/' -> '-')

Two sides: the *publisher* (releases, lock, git, hooks; the code that installed the hooks)
and the *tree* side (:mod:`site_builder.publish.tree`), run by the pushed commit's own code
inside the extracted tree, so that a push is checked and built by what it contains.
"""
