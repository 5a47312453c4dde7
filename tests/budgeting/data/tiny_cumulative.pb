META
key;value
description;Tiny cumulative election
country;Nowhere
unit;Tiny
instance;2024c
num_projects;3
num_votes;3
budget;90
vote_type;cumulative
max_sum_points;5
PROJECTS
project_id;cost;name
10;50;Skate park
20;40;Garden
30;30;Mural
VOTES
voter_id;vote;points
a;10,20;3,2
b;20;5
c;30,10;4,1
