/* Copyright (c) Cove authors. See AUTHORS. */

/* nopassword, allow_nets and nologin. */

#include "lib.h"
#include "net.h"
#include "auth-field-list.h"
#include "auth-request.h"
#include "passdb-fields.h"

bool passdb_fields_nopassword(const struct auth_field_list *fields)
{
	const char *value = auth_field_list_get(fields, "nopassword");

	return value != NULL && strcasecmp(value, "n") != 0 &&
		strcasecmp(value, "no") != 0;
}

enum passdb_result passdb_fields_apply(struct auth_request *request,
				       const char *driver,
				       const struct auth_field_list *fields,
				       enum passdb_result result)
{
	const char *nets, *reason, *bad_net;
	int ret;

	if (result != PASSDB_RESULT_OK)
		return result;
	nets = auth_field_list_get(fields, "allow_nets");
	if (nets != NULL) {
		ret = net_ip_in_networks(nets, &request->remote_ip, &bad_net);
		if (ret < 0) {
			auth_request_log_error(request, driver,
				"allow_nets: Invalid network '%s'", bad_net);
			return PASSDB_RESULT_INTERNAL_FAILURE;
		}
		if (ret == 0) {
			auth_request_log_info(request, driver,
				"allow_nets check failed: IP not in allowed "
				"networks (%s)", nets);
			return PASSDB_RESULT_PASSWORD_MISMATCH;
		}
	}
	if (auth_field_list_get(fields, "nologin") != NULL) {
		reason = auth_field_list_get(fields, "reason");
		/* the client sees the reason (only with the right
		   password) */
		request->fail_nologin = true;
		request->fail_reason = p_strdup(request->pool, reason);
		auth_request_log_info(request, driver,
				      "Login disabled (nologin)%s%s",
				      reason == NULL ? "" : ": ",
				      reason == NULL ? "" : reason);
		return PASSDB_RESULT_PASSWORD_MISMATCH;
	}
	return PASSDB_RESULT_OK;
}
