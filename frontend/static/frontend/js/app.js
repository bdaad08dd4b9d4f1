// Placeholder: convo-client owns this module (the live sidebar counts and the conversation view).
