package dev.conflux.platform.internal.docs;

import java.io.IOException;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Sends {@code /api/docs} and {@code /api/docs/} to Swagger UI's page; {@link SwaggerUiFiles} serves the files.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/docs", "/api/docs/"})
public class SwaggerUi extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getContextPath() + "/api/docs/index.html");
    }
}
