"""Discussion where the work is: comments, mentions and reactions on objectives, key results
and check-ins, under the access policy of what they are about."""
