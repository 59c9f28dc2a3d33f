/** Threads shared by every Conflux bundle: {@link dev.conflux.api.concurrent.NamedThreads}. */
@Version("1.0.0")
package dev.conflux.api.concurrent;

import org.osgi.annotation.versioning.Version;
