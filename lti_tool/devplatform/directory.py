"""The development platform's people, courses and activities (all fictional)."""

from __future__ import annotations

from dataclasses import dataclass, field

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
SYSTEM = "http://purl.imsglobal.org/vocab/lis/v2/system/person#"


@dataclass(frozen=True)
class DevUser:
    id: str
    name: str
    given_name: str
    family_name: str
    email: str
    locale: str
    description: str
    # Roles per course id; a course missing here means "not enrolled".
    course_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    site_admin: bool = False

    def roles_in(self, course_id: str) -> list[str]:
        roles = [MEMBERSHIP + r for r in self.course_roles.get(course_id, ())]
        if self.site_admin:
            roles += [INSTITUTION + "Administrator", SYSTEM + "Administrator"]
        return roles


@dataclass(frozen=True)
class DevCourse:
    id: str
    label: str
    title: str


@dataclass(frozen=True)
class DevLink:
    id: str
    course_id: str
    title: str
    custom: dict[str, str] = field(default_factory=dict)
    accepts_grades: bool = True


COURSES = (
    DevCourse("101", "AVAIMET-K26", "Avaimet työelämään, kevät 2026"),
    DevCourse("102", "MENTORI-K26", "Mentorivalmennus, kevät 2026"),
    # A second course with the same programme, for records that belong to their course.
    DevCourse("103", "AVAIMET-S26", "Avaimet työelämään, syksy 2026"),
)

USERS = (
    DevUser(
        "2001", "Demo Osallistuja", "Demo", "Osallistuja", "osallistuja@example.invalid", "fi",
        "Participant (job seeker), Finnish",
        {"101": ("Learner",), "103": ("Learner",)},
    ),
    DevUser(
        "2002", "Demo Participant", "Demo", "Participant", "participant@example.invalid", "ru",
        "Participant (job seeker), Russian interface",
        {"101": ("Learner",)},
    ),
    # One participant for each other interface language, to try them without editing
    # anything; in the autumn course, so that the spring course's roster stays as it was.
    DevUser(
        "2006", "Demo Learner", "Demo", "Learner", "learner@example.invalid", "en",
        "Participant (job seeker), English interface",
        {"103": ("Learner",)},
    ),
    DevUser(
        "2007", "Demo Uchasnyk", "Demo", "Uchasnyk", "uchasnyk@example.invalid", "uk",
        "Participant (job seeker), Ukrainian interface",
        {"103": ("Learner",)},
    ),
    DevUser(
        "2003", "Demo Työpaikkamentori", "Demo", "Työpaikkamentori", "mentori@example.invalid",
        "fi", "Employer mentor", {"102": ("Learner",)},
    ),
    DevUser(
        "2004", "Demo Kouluttaja", "Demo", "Kouluttaja", "kouluttaja@example.invalid", "fi",
        "Trainer (teacher)",
        {"101": ("Instructor",), "102": ("Instructor",), "103": ("Instructor",)},
    ),
    DevUser(
        "2005", "Demo Koordinaattori", "Demo", "Koordinaattori", "koordinaattori@example.invalid",
        "sv_fi", "Coordinator (site administrator)",
        {"101": ("Instructor",), "102": ("Instructor",), "103": ("Instructor",)},
        site_admin=True,
    ),
)

LINKS = (
    DevLink("301", "101", "Suomalainen työelämä", {"module": "finnish-working-life"}),
    DevLink("302", "101", "Työnhaku", {"module": "job-search"}),
    DevLink("303", "101", "Kotopaikka (not set up yet)", {}),
    DevLink("311", "102", "Monikulttuurinen osaaminen", {"module": "multicultural-competence"}),
    DevLink("321", "103", "Suomalainen työelämä", {"module": "finnish-working-life"}),
)


def user(user_id: str) -> DevUser | None:
    return next((u for u in USERS if u.id == user_id), None)


def course(course_id: str) -> DevCourse | None:
    return next((c for c in COURSES if c.id == course_id), None)


def static_link(link_id: str) -> DevLink | None:
    return next((link for link in LINKS if link.id == link_id), None)
