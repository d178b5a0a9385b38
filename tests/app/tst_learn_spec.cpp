// One learned merge asked for three ways — a recipe's `data` section, learn-merge flags
// (--dry-run prints the resolved spec) and the Learn page's form — resolves to the same spec, with
// the defaults written out here; the page's editors follow the method's defaults when it changes.
#include "../cli/cli_run.h"

#include "gui/gui_job_runner.h"
#include "gui/learn_page.h"
#include "gui/learn_work.h"

#include "datamerge/data_merge_spec.h"
#include "datamerge/recipe_data.h"
#include "merge/recipe.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QTest>

using namespace mergelab;
using mergelab::gui::LearnPage;
using mergelab::gui::LearnSettings;

namespace {
nlohmann::json fromRecipe(const QString& method)
{
    const Recipe r = recipeFromJson(
        nlohmann::json::parse(
            QStringLiteral(R"({"method": "%1", "data": {"project": "p.mergelab.json"}})").arg(method).toStdString()),
        "");
    return nlohmann::json::parse(dataMergeSpec(r, "").resolvedJson());
}

nlohmann::json fromCli(const QString& method)
{
    const CliRun r = runCli({"learn-merge", "--project", "p.mergelab.json", "-m", method, "--dry-run"});
    if (r.exitCode != 0)
        return {{"error", r.err.toStdString()}};
    return nlohmann::json::parse(r.out.toStdString());
}

nlohmann::json fromPage(LearnPage& page, const QString& method)
{
    LearnSettings s;
    s.method = method;
    page.setSettings(s);
    return nlohmann::json::parse(gui::learnSpec(page.settings()).resolvedJson());
}
} // namespace

class TestLearnSpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSpecThreeWays_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("expected"); // the defaults, from docs/learned-merges.md
        QTest::newRow("fisher") << "fisher"
                                << R"({"method": "fisher", "split": "train", "samples": 256, "seed": 0,
                                       "epsilon": 1e-8, "fisher_argmax": 0})";
        QTest::newRow("regmean")
            << "regmean"
            << R"({"method": "regmean", "split": "train", "samples": 256, "seed": 0, "alpha": 0.9})";
        QTest::newRow("adamerging") << "adamerging"
                                    << R"({"method": "adamerging", "split": "test", "samples": 0, "steps": 100,
                                           "lr": 0.001, "batch": 16, "seed": 0, "lambda": 0.3})";
        QTest::newRow("adamerging-layerwise")
            << "adamerging-layerwise"
            << R"({"method": "adamerging-layerwise", "split": "test", "samples": 0, "steps": 100, "lr": 0.001,
                   "batch": 16, "seed": 0, "lambda": 0.3})";
        QTest::newRow("wemoe") << "wemoe"
                               << R"({"method": "wemoe", "split": "test", "samples": 0, "steps": 1000, "lr": 0.0001,
                                      "batch": 16, "seed": 0, "lambda": 0.3, "router_hidden": 0})";
    }
    void sameSpecThreeWays()
    {
        QFETCH(QString, method);
        QFETCH(QString, expected);
        gui::GuiJobRunner jobs;
        LearnPage page(&jobs);
        const nlohmann::json want = nlohmann::json::parse(expected.toStdString());
        const nlohmann::json recipe = fromRecipe(method);
        const nlohmann::json cli = fromCli(method);
        const nlohmann::json form = fromPage(page, method);
        QVERIFY2(recipe == want, recipe.dump().c_str());
        QVERIFY2(cli == want, cli.dump().c_str());
        QVERIFY2(form == want, form.dump().c_str());
    }

    // Switching method moves an editor still at the old method's default to the new one's, and
    // keeps what the user typed.
    void editorsFollowTheMethod()
    {
        gui::GuiJobRunner jobs;
        LearnPage page(&jobs);
        QComboBox* method = nullptr;
        for (QComboBox* box : page.findChildren<QComboBox*>())
            if (box->accessibleName() == QStringLiteral("Learned merge method"))
                method = box;
        QVERIFY(method);
        LearnSettings s;
        s.method = QStringLiteral("adamerging");
        s.batch = 4; // typed by the user
        page.setSettings(s);
        method->setCurrentIndex(method->findData(QStringLiteral("wemoe")));
        const LearnSettings w = page.settings();
        QCOMPARE(w.method, QStringLiteral("wemoe"));
        QCOMPARE(*w.steps, 1000);
        QCOMPARE(*w.learningRate, 1e-4);
        QCOMPARE(*w.batch, 4);
        QVERIFY(!w.alpha); // RegMean's, not WEMoE's
        method->setCurrentIndex(method->findData(QStringLiteral("regmean")));
        const LearnSettings r = page.settings();
        QCOMPARE(*r.alpha, 0.9);
        QCOMPARE(*r.samples, 256);
        QVERIFY(!r.steps);
    }
};

QTEST_MAIN(TestLearnSpec)
#include "tst_learn_spec.moc"
