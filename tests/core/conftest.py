from tests.mentoring.conftest import mentee_mentor, skills  # noqa: F401
