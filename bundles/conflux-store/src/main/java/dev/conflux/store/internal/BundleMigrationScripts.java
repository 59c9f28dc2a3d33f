package dev.conflux.store.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.osgi.framework.Bundle;

/**
 * The migration scripts of one owner, read straight from the capability's bundle with
 * {@link Bundle#findEntries}: no class path scanning, so it works the same in every framework and
 * never picks up another bundle's scripts.
 */
final class BundleMigrationScripts implements ResourceProvider {

    private final List<Script> scripts = new ArrayList<>();

    BundleMigrationScripts(Bundle bundle, String folder) {
        Enumeration<URL> entries = bundle.findEntries(folder, "*.sql", false);
        while (entries != null && entries.hasMoreElements()) {
            URL url = entries.nextElement();
            String path = url.getPath();
            scripts.add(new Script(url, path.substring(path.lastIndexOf('/') + 1), folder));
        }
    }

    int size() {
        return scripts.size();
    }

    @Override
    public LoadableResource getResource(String name) {
        for (Script script : scripts) {
            if (script.getRelativePath().equals(name) || script.getFilename().equals(name)) {
                return script;
            }
        }
        return null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> matching = new ArrayList<>();
        for (Script script : scripts) {
            if (!script.getFilename().startsWith(prefix)) {
                continue;
            }
            for (String suffix : suffixes) {
                if (script.getFilename().endsWith(suffix)) {
                    matching.add(script);
                    break;
                }
            }
        }
        return matching;
    }

    private static final class Script extends LoadableResource {
        private final URL url;
        private final String filename;
        private final String folder;

        Script(URL url, String filename, String folder) {
            this.url = url;
            this.filename = filename;
            this.folder = folder;
        }

        @Override
        public Reader read() {
            try {
                return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read migration script " + url, e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return folder + "/" + filename;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return url.toString();
        }

        @Override
        public String getFilename() {
            return filename;
        }

        @Override
        public String getRelativePath() {
            return filename;
        }
    }
}
