from .pages import HomePage, ThemePage, TopicPage
from .site_settings import OrganisationSettings
from .snippets import ContactPerson

__all__ = ["ContactPerson", "HomePage", "OrganisationSettings", "ThemePage", "TopicPage"]
