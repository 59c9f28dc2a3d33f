package dev.conflux.itests.rebuild;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;

/** The resource the bundle that {@code ApiRebuildIT} builds and installs brings. */
@Path("probe/rebuild")
public class ProbeResource {
    @GET
    @Produces("text/plain")
    public String get() {
        return "rebuilt";
    }
}
