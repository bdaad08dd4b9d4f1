from tests.forum.conftest import add_member, make_community, owner  # noqa: F401
from tests.knowledge_base.conftest import kb_tree, make_lesson  # noqa: F401
