/**
 * Who is calling and what they did: the contracts between the security capability, which knows
 * users, tokens and API keys, and every face that must check a caller (REST, SOAP, servlets) or
 * record an action in the tamper-evident audit trail.
 */
@Version("1.1.0")
package dev.conflux.api.security;

import org.osgi.annotation.versioning.Version;
