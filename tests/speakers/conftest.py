# Where speakers land after signing in: "My papers" (proceedings:my_papers), after /<lang>.
MY_PAPERS = "/my/papers/"
