package dev.conflux.platform.internal.rest;

import javax.ws.rs.core.Context;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.ext.ExceptionMapper;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsName;

import dev.conflux.api.problem.ProblemException;

/** Writes a {@link ProblemException} thrown by any resource as its problem detail. */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
@JaxrsName("conflux.problems")
public class ProblemExceptionMapper implements ExceptionMapper<ProblemException> {

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(ProblemException exception) {
        return ProblemResponses.of(exception.problem(), uriInfo);
    }
}
