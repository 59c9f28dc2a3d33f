/**
 * EventAdmin topic names and event property keys that Conflux bundles publish and consume.
 */
@Version("1.0.0")
package dev.conflux.api.event;

import org.osgi.annotation.versioning.Version;
