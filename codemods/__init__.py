"""Code rewriters: each module handles one concern of a migration."""
