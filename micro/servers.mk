# The micro kernel's servers: filled in as the message-passing core lands.
