"""What each learner has seen and finished."""
