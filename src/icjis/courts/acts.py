"""Act kinds of the courts (module F). Each part lives in its own module, imported here so that
the app registers them when Django starts: the investigating judge's preventive measures in
`measures`."""

from icjis.courts import (  # noqa: F401
    appeals,
    assignment,
    availability,
    demo,
    execution,
    hearings,
    intake,
    measures,
    performance,
    term_extension,
    verdicts,
)
