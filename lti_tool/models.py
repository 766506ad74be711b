"""Import every model so that the metadata (and Alembic) sees all tables."""

from authoring.media_models import MediaImage
from authoring.models import DraftPage, DraftText, LibraryModule, ModuleVersion, TextRevision
from authoring.quiz_models import DraftQuestion, DraftQuestionText, QuestionRevision
from certificates.models import Certificate, CertificateSetting
from courses.models import Module, Page, PageText, Programme
from courses.progress.models import LearnerPreference, ModuleProgress, PageView
from quizzes.models import QuestionVersion, Quiz, QuizQuestion
from lti_tool.grades.models import ScoreOutbox
from lti_tool.identity.models import LtiContext, LtiUser, Membership, ResourceLink
from lti_tool.keys.models import ToolKey
from lti_tool.launch.models import LaunchSession, LoginState
from lti_tool.registry.access_tokens import PlatformAccessToken
from lti_tool.registration.models import RegistrationInvitation
from lti_tool.registry.models import Deployment, Platform, PlatformClient

__all__ = [
    "Certificate",
    "CertificateSetting",
    "DraftPage",
    "DraftQuestion",
    "DraftQuestionText",
    "QuestionRevision",
    "DraftText",
    "LibraryModule",
    "ModuleVersion",
    "TextRevision",
    "Deployment",
    "LaunchSession",
    "LearnerPreference",
    "LoginState",
    "LtiContext",
    "LtiUser",
    "MediaImage",
    "Membership",
    "Module",
    "ModuleProgress",
    "Page",
    "PageText",
    "PageView",
    "Platform",
    "PlatformAccessToken",
    "PlatformClient",
    "Programme",
    "QuestionVersion",
    "Quiz",
    "QuizQuestion",
    "RegistrationInvitation",
    "ResourceLink",
    "ScoreOutbox",
    "ToolKey",
]
