"""Template context of the supervision cycle that every page may show."""

from .colours import blue_days


def cycle(request):
    # The blue window of the three colours, for the legends (supervision.colours).
    return {"warning_days": blue_days()}
