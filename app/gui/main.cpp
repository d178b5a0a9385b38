// mergelab: the workbench window. Everything but argument handling lives in mergelab_gui_lib.
#include "gui/main_window.h"
#include "gui/screenshot.h"
#include "gui/gui_job_runner.h"
#include "gui/stall_benchmark.h"
#include "gui/tune_generate_panel.h"
#include "gui/tune_page.h"
#include "gui/translations.h"
#include "gui/demo_offer.h"

#include "io/runtime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv)
{
    // Screenshots and benchmarks need no display: render offscreen unless a platform was chosen.
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if ((arg.startsWith("--screenshot") || arg == "--benchmark") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MergeLab"));
    QApplication::setOrganizationDomain(QStringLiteral("mergelab.org"));
    QApplication::setApplicationName(QStringLiteral("MergeLab"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    mergelab::initTorchRuntime();
    mergelab::gui::installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("MergeLab: a workbench for merging fine-tuned neural networks."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the window into FILE (PNG) once loading finishes, then exit."), QStringLiteral("FILE"));
    const QCommandLineOption page(QStringLiteral("page"), QStringLiteral("Page to show (checkpoint, ...)."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size for screenshots, e.g. 1280x800."),
                                  QStringLiteral("WxH"), QStringLiteral("1280x800"));
    const QCommandLineOption benchmark(
        QStringLiteral("benchmark"),
        QStringLiteral(
            "Open PATH and report the event-loop stalls (max, p99) while it opens; for a project, also while "
            "a merge and an evaluation run at the same time; then exit."));
    const QCommandLineOption generate(
        QStringLiteral("generate"),
        QStringLiteral("Language-model project: complete PROMPT on the Tune page's Generate panel once the project "
                       "is loaded (for screenshots)."),
        QStringLiteral("PROMPT"));
    parser.addOptions({screenshot, page, size, benchmark, generate});
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Checkpoint file or folder to open."));
    parser.process(app);

    mergelab::gui::MainWindow window;
    const bool headless = parser.isSet(screenshot) || parser.isSet(benchmark);
    if (headless) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    if (parser.isSet(page) && !window.showPage(parser.value(page))) {
        std::fprintf(stderr, "error: no page named \"%s\"; pages: %s\n", qPrintable(parser.value(page)),
                     qPrintable(window.pageNames().join(QStringLiteral(", "))));
        return 2;
    }
    window.show();

    int status = 0;
    const QString path = parser.positionalArguments().value(0);
    if (parser.isSet(benchmark)) {
        mergelab::gui::runStallBenchmark(&window, path, [&app, &status](int result) {
            status = result;
            app.exit(result);
        });
    } else {
        if (parser.isSet(generate))
            window.tunePage()->generatePanel()->generateWhenReady(parser.value(generate));
        if (!path.isEmpty())
            window.openPath(path);
        if (parser.isSet(screenshot)) {
            mergelab::gui::scheduleScreenshot(&window, parser.value(screenshot), parser.value(page),
                                              [&app, &status](bool ok, const QString& error) {
                                                  if (!ok) {
                                                      std::fprintf(stderr, "error: %s\n", qPrintable(error));
                                                      status = 1;
                                                  }
                                                  app.exit(status);
                                              });
        }
    }
    mergelab::gui::offerDemo({&window, window.jobs(), [&window](const QString& p) { window.openProject(p); }}, path,
                             headless);
    const int code = app.exec();
    return status != 0 ? status : code;
}
