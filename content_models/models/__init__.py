from .pages import HomePage, ThemePage, TopicPage
from .previews import PreviewSnapshot
from .site_settings import OrganisationSettings
from .snippets import ContactPerson

__all__ = ["ContactPerson", "HomePage", "OrganisationSettings", "PreviewSnapshot", "ThemePage", "TopicPage"]
