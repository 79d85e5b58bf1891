"""Every model, imported in one place so that Alembic and the test fixtures see the whole schema."""

from app.accounts.models import Invitation, Membership, User
from app.answering.models import OptIn
from app.api_tokens.models import ApiToken
from app.benchmarks.models import (
    BenchmarkCell,
    BenchmarkContribution,
    BenchmarkQuestionMap,
    BenchmarkSnapshot,
    BenchmarkWatermark,
)
from app.demo.models import DemoSeed
from app.exports.models import ExportRequest
from app.jobs.models import PendingJob
from app.mail.models import OutgoingMail
from app.organisations.models import Organisation
from app.questionnaires.models import BankModule, QuestionnaireVersion
from app.reference.models import ReferenceItem
from app.responses.models import Answer, Response, ResponseSummary
from app.reviews.models import Notification, ReviewAssignment, ReviewComment, ReviewSnapshot
from app.surveys.models import Collector, Survey, SurveyEvent, SurveyRevision

__all__ = [
    "Answer",
    "ApiToken",
    "BankModule",
    "BenchmarkCell",
    "BenchmarkContribution",
    "BenchmarkQuestionMap",
    "BenchmarkSnapshot",
    "BenchmarkWatermark",
    "Collector",
    "DemoSeed",
    "ExportRequest",
    "Invitation",
    "OutgoingMail",
    "Membership",
    "Notification",
    "OptIn",
    "Organisation",
    "PendingJob",
    "QuestionnaireVersion",
    "ReferenceItem",
    "Response",
    "ResponseSummary",
    "ReviewAssignment",
    "ReviewComment",
    "ReviewSnapshot",
    "Survey",
    "SurveyEvent",
    "SurveyRevision",
    "User",
]
