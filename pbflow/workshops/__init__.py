"""Stage III, in person: expert workshops for groups of proposals and individual consultation slots."""
