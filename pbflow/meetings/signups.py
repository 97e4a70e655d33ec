"""(being written)"""


def page_context(meeting, user, context):
    """What the meeting page needs from this part."""
    return {}
