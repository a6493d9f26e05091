# English interface, Vietnamese data conventions: the same dd/mm/yyyy dates and number format.
from config.formats.vi.formats import *  # noqa: F403
