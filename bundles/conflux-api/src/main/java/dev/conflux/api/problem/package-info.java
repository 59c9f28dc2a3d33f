/**
 * RFC 9457 problem details: the one error format of every Conflux HTTP face. Throw a
 * {@link dev.conflux.api.problem.ProblemException} from any JAX-RS resource and the platform writes it
 * as {@code application/problem+json}.
 */
@Version("1.0.0")
package dev.conflux.api.problem;

import org.osgi.annotation.versioning.Version;
