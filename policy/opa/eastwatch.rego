# Least-privilege API policy exported by eastwatch (`eastwatch policy export --format opa`).
#
# Input, one request:
#   {"principal": "svc-chatbot", "method": "GET", "host": "wiki.corp", "path": "/issue/7"}
# Data: the exported data.json, loaded as data.eastwatch.policy.
#
# A request is allowed only when the principal's policy lists its method and host and one of
# its routes matches the whole path; everything else is denied.
package eastwatch.authz

default allow := false

read_methods := {"GET", "HEAD", "OPTIONS"}

principal_policy := data.eastwatch.policy.principals[input.principal]

matching_routes contains route if {
	some route in principal_policy.routes
	route.method == upper(input.method)
	route.host == lower(input.host)
	regex.match(route.path_regex, input.path)
}

allow if count(matching_routes) > 0

privilege := "read" if {
	upper(input.method) in read_methods
} else := "write"

reason := "allowed" if {
	allow
} else := "principal not in policy" if {
	not principal_policy
} else := "route not allowed"

decision := {
	"allow": allow,
	"reason": reason,
	"privilege": privilege,
	"policy_version": data.eastwatch.policy.version,
}
