"""Authoring: trainers write, adapt and translate modules and quizzes in the browser.

The domain of it (a site's library, drafts, versions, translation state, plain-language
help, translation exchange files). Like ``courses`` and ``quizzes`` it knows nothing of
LTI or Flask; ``lti_tool`` serves its pages with the site and trainer of a launch.
"""
