// The Tune page on a language-model project (issue 16): the llama_gqa fixture with the 64-piece
// SentencePiece tokenizer as the base and one fine-tune (every tensor x 1.5 - 0.02), a held-out text
// task and a multiple-choice task. Perplexities, choice accuracies and greedy completions equal
// tests/fixtures/lm/make_gui_reference.py (a float64 python3-torch forward, python3-sentencepiece ids)
// for the base, the fine-tune and task-arithmetic merges at several λ; the base's completion is the CLI
// generate test's reference; seeded sampling equals the CLI's path from the folder; Generate can be
// cancelled; a model folder without a tokenizer or with a broken config.json gives a banner.
#include "tensor_files.h"

#include "gui/gui_job_runner.h"
#include "gui/main_window.h"
#include "gui/project_loader.h"
#include "gui/tune_evaluation_controller.h"
#include "gui/tune_generate_panel.h"
#include "gui/tune_page.h"

#include "banner.h"
#include "bar_chart_view.h"

#include "eval/lm_completion.h"
#include "io/checkpoint.h"
#include "io/torch_tensor.h"
#include "models/causal_lm.h"
#include "text/tokenizer.h"

#include <QAbstractAxis>
#include <QApplication>
#include <QChart>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>

using namespace mergelab;
using mergelab::gui::TuneGeneratePanel;
using mergelab::gui::TunePage;

#define WAIT_DRAWN()                                                                                                   \
    QTRY_VERIFY_WITH_TIMEOUT(m_page->evaluation()->drawnGeneration() == m_page->evaluation()->requestedGeneration(),   \
                             30000)
#define SETTLE() QTRY_VERIFY_WITH_TIMEOUT(!m_page->busy(), 30000)

namespace {

const QString kLm = QStringLiteral(MERGELAB_FIXTURES_DIR) + "/lm/";
const QString kText = QStringLiteral(MERGELAB_FIXTURES_DIR) + "/text/";

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

// The reference of the merge at `lambda` (0: the base, 1: the fine-tune).
QJsonObject merge(double lambda)
{
    for (const QJsonValue& m : readJson(kLm + "gui_expected.json")["merges"].toArray())
        if (std::abs(m["lambda"].toDouble() - lambda) < 1e-9)
            return m.toObject();
    return {};
}

// A model folder: llama_gqa's config and weights (times `scale` plus `shift` when scale != 1) and the
// fixture tokenizer.
QString modelFolder(const QString& root, const QString& name, double scale = 1.0, double shift = 0.0)
{
    const QString dir = root + "/" + name;
    QDir().mkpath(dir);
    QFile::copy(kLm + "llama_gqa/config.json", dir + "/config.json");
    QFile::copy(kText + "tokenizer.model", dir + "/tokenizer.model");
    if (scale == 1.0 && shift == 0.0) {
        QFile::copy(kLm + "llama_gqa/pytorch_model.bin", dir + "/pytorch_model.bin");
        return dir;
    }
    auto checkpoint = Checkpoint::open((kLm + "llama_gqa").toStdString());
    std::map<std::string, at::Tensor> weights;
    for (const auto& info : checkpoint->tensors())
        weights[info.name] = toTorch(checkpoint->read(info.name)) * scale + shift;
    testsupport::writeTensors((dir + "/model.safetensors").toStdString(), weights);
    return dir;
}

// base + tuned, tasks "held" (text) and "quiz" (choices) on the val split.
QString writeProject(const QString& root)
{
    modelFolder(root, "base");
    modelFolder(root, "tuned", 1.5, -0.02);
    QFile::copy(kLm + "cli_text.txt", root + "/held.val.txt");
    QFile::copy(kLm + "cli_choices.jsonl", root + "/quiz.val.jsonl");
    const QString project = root + "/lm.mergelab.json";
    QFile f(project);
    f.open(QIODevice::WriteOnly);
    f.write("{\"format\": \"mergelab-project\", \"version\": 1, \"name\": \"lm\", "
            "\"base\": {\"name\": \"base\", \"path\": \"base\"}, "
            "\"models\": [{\"name\": \"tuned\", \"path\": \"tuned\", \"color\": \"#ff0000\", \"task\": \"held\"}], "
            "\"tasks\": [{\"name\": \"held\", \"text\": \"held.{split}.txt\"}, "
            "{\"name\": \"quiz\", \"choices\": \"quiz.{split}.jsonl\"}]}");
    return project;
}

gui::ProjectSummary openProject(const QString& path)
{
    NullProgress progress;
    CancelToken cancel;
    return gui::openProjectWork(path)(progress, cancel).value<gui::ProjectSummary>();
}

// Perplexity of a reference NLL, compared relatively (float32 forward against float64).
void comparePerplexity(double shown, double referenceNll, const char* what)
{
    const double want = std::exp(referenceNll);
    QVERIFY2(std::abs(shown - want) < 1e-5 * want,
             qPrintable(QStringLiteral("%1: %2 vs %3").arg(what).arg(shown).arg(want)));
}

} // namespace

class TestTuneLm : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    gui::ProjectSummary m_project;
    std::unique_ptr<gui::GuiJobRunner> m_jobs;
    std::unique_ptr<TunePage> m_page;

    TuneGeneratePanel* panel() const { return m_page->generatePanel(); }

    void setLambda(double lambda)
    {
        m_page->lambdaSlider()->setValue(static_cast<int>(std::lround(lambda * 100)));
        QCOMPARE(m_page->state().global.at("lambda"), lambda);
        WAIT_DRAWN();
    }

    // Clicks Generate and waits for the rows.
    void generate(const QString& prompt, int maxNewTokens, double temperature, int seed)
    {
        panel()->promptEdit()->setText(prompt);
        panel()->maxNewTokensSpinBox()->setValue(maxNewTokens);
        panel()->temperatureSpinBox()->setValue(temperature);
        panel()->seedSpinBox()->setValue(seed);
        QSignalSpy generated(panel(), &TuneGeneratePanel::generated);
        QTest::mouseClick(panel()->generateButton(), Qt::LeftButton);
        QVERIFY(panel()->running());
        QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 1, 30000);
        QCOMPARE(generated.at(0).at(0).toBool(), true);
        QVERIFY(!panel()->running());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setOrganizationName(QStringLiteral("MergeLabTests"));
        QApplication::setApplicationName(QStringLiteral("tst_tune_lm"));
        QVERIFY(m_dir.isValid());
        m_project = openProject(writeProject(m_dir.path()));
        QCOMPARE(m_project.set.models.size(), std::size_t(1));
        m_jobs = std::make_unique<gui::GuiJobRunner>();
        m_page = std::make_unique<TunePage>(m_jobs.get());
        m_page->resize(1280, 800);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
        m_page->setProject(m_project);
        QVERIFY(m_page->isLanguageModel());
        QVERIFY(m_page->busy());
        SETTLE();
        QCOMPARE(m_page->evaluation()->quickResultsDrawn(), 1);
    }

    void perplexityAndChoicesOfBaseFineTuneAndMerge()
    {
        widgets::BarChartView* ppl = m_page->barChart();
        QCOMPARE(ppl->categories(), (QStringList{"held", "average"}));
        QCOMPARE(ppl->setCount(), 3);
        QCOMPARE(ppl->setName(0), QStringLiteral("base"));
        QCOMPARE(ppl->setName(1), QStringLiteral("tuned"));
        QCOMPARE(ppl->setName(2), QStringLiteral("merged"));
        // The chart says which way is better, in its title and on the value axis.
        QVERIFY(ppl->chart()->title().contains(QStringLiteral("lower is better")));
        QVERIFY(ppl->chart()->axes(Qt::Vertical).at(0)->titleText().contains(QStringLiteral("perplexity")));
        // Base and fine-tune (scored once at open), the start merge (task arithmetic, λ = 0.3).
        QCOMPARE(m_page->state().method, std::string("task_arithmetic"));
        QCOMPARE(m_page->state().global.at("lambda"), 0.3);
        for (int c = 0; c < 2; ++c) { // one text task: its perplexity is the average's
            comparePerplexity(ppl->value(0, c), merge(0.0)["nll"].toDouble(), "base");
            comparePerplexity(ppl->value(1, c), merge(1.0)["nll"].toDouble(), "tuned");
            comparePerplexity(ppl->value(2, c), merge(0.3)["nll"].toDouble(), "merged at 0.3");
        }
        // Every bar fits under the value axis.
        QVERIFY(ppl->valueAxisMax() >= std::exp(merge(1.0)["nll"].toDouble()));

        widgets::BarChartView* choices = m_page->choiceChart();
        QVERIFY(choices->isVisibleTo(m_page.get()));
        QCOMPARE(choices->categories(), (QStringList{"quiz", "average"}));
        QCOMPARE(choices->setCount(), 3);
        for (int set = 0; set < 3; ++set) {
            const double lambda = set == 0 ? 0.0 : set == 1 ? 1.0 : 0.3;
            QCOMPARE(choices->value(set, 0), 100.0 * merge(lambda)["accuracy"].toDouble());
        }
    }

    void sliderMovesTheMergeToTheReference_data()
    {
        QTest::addColumn<double>("lambda");
        QTest::newRow("0.5") << 0.5;
        QTest::newRow("1 = the fine-tune") << 1.0;
        QTest::newRow("0 = the base") << 0.0;
    }

    void sliderMovesTheMergeToTheReference()
    {
        QFETCH(double, lambda);
        const int drawn = m_page->evaluation()->quickResultsDrawn();
        setLambda(lambda);
        QVERIFY(m_page->evaluation()->quickResultsDrawn() > drawn);
        comparePerplexity(m_page->barChart()->value(2, 0), merge(lambda)["nll"].toDouble(), "merged");
        QCOMPARE(m_page->choiceChart()->value(2, 0), 100.0 * merge(lambda)["accuracy"].toDouble());
        QVERIFY(m_page->barChart()->chart()->title().contains(QStringLiteral("task_arithmetic")));
        SETTLE();
    }

    void supersededEvaluationIsDropped()
    {
        QSignalSpy ended(m_jobs.get(), &gui::GuiJobRunner::ended);
        const int drawn = m_page->evaluation()->quickResultsDrawn();
        m_page->lambdaSpinBox()->setValue(0.3);
        m_page->lambdaSpinBox()->setValue(0.5); // before the first result can arrive
        WAIT_DRAWN();
        SETTLE();
        QCOMPARE(m_page->evaluation()->quickResultsDrawn(), drawn + 1); // no refinement on an LM project
        int delivered = 0;
        for (const QList<QVariant>& e : ended)
            delivered += e.at(3).toBool() ? 0 : 1;
        QCOMPARE(delivered, 1);
        QCOMPARE(ended.count(), 2);
        comparePerplexity(m_page->barChart()->value(2, 0), merge(0.5)["nll"].toDouble(), "merged at 0.5");
    }

    void greedyGenerateEqualsTheReference()
    {
        setLambda(0.5);
        SETTLE();
        const QJsonObject cli = readJson(kLm + "cli_expected.json");
        generate(cli["prompt"].toString(), cli["new_ids"].toArray().size(), 0.0, 0);
        QCOMPARE(panel()->rowLabels(), (QStringList{"merged (task_arithmetic)", "base", "tuned"}));
        // The base's completion is the CLI generate test's reference; the fine-tune's and the merge's
        // the python reference at λ = 1 and 0.5 (the merge held in memory, at the slider's λ).
        QCOMPARE(panel()->completions().at(1), cli["completion"].toString());
        QCOMPARE(panel()->completions().at(2), merge(1.0)["completion"].toString());
        QCOMPARE(panel()->completions().at(0), merge(0.5)["completion"].toString());
        // Moving a slider changes the merge row after the next Generate.
        setLambda(0.3);
        SETTLE();
        QTest::mouseClick(panel()->generateButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel()->running(), 30000);
        QCOMPARE(panel()->completions().at(0), merge(0.3)["completion"].toString());
    }

    void seededSamplingEqualsTheCliPath()
    {
        setLambda(0.0);
        SETTLE();
        generate(QStringLiteral("the dog"), 12, 0.9, 7);
        const QStringList first = panel()->completions();
        QCOMPARE(first.size(), 3);
        // The CLI's generate reads the folder from disk: the same tokens for the same seed.
        const std::string base = (m_dir.path() + "/base").toStdString();
        GenerateOptions options;
        options.maxNewTokens = 12;
        options.temperature = 0.9;
        options.seed = 7;
        const LmCompletion cli =
            completePrompt(*CausalLm::open(base), *Tokenizer::open(base), "the dog", options, CancelToken());
        QCOMPARE(first.at(1), QString::fromStdString(cli.text));
        QCOMPARE(first.at(0), first.at(1)); // λ = 0: the merge is the base
        generate(QStringLiteral("the dog"), 12, 0.9, 7);
        QCOMPARE(panel()->completions(), first);
    }

    void generateCanBeCancelled()
    {
        QSignalSpy generated(panel(), &TuneGeneratePanel::generated);
        panel()->maxNewTokensSpinBox()->setValue(120);
        panel()->temperatureSpinBox()->setValue(0.0);
        QTest::mouseClick(panel()->generateButton(), Qt::LeftButton);
        QVERIFY(panel()->running());
        QVERIFY(panel()->cancelButton()->isEnabled());
        QTest::mouseClick(panel()->cancelButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 1, 30000);
        QCOMPARE(generated.at(0).at(0).toBool(), false);
        QVERIFY(!panel()->running());
        QVERIFY(!panel()->cancelButton()->isEnabled());
        QVERIFY(panel()->completions().isEmpty());
    }

    void badModelFolderGivesABanner_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no tokenizer") << QStringLiteral("tokenizer") << QStringLiteral("no tokenizer in the folder");
        QTest::newRow("broken config.json")
            << QStringLiteral("config") << QStringLiteral("config.json: config is not valid JSON");
    }

    void badModelFolderGivesABanner()
    {
        QFETCH(QString, damage);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString project = writeProject(dir.path());
        if (damage == QLatin1String("tokenizer")) {
            QVERIFY(QFile::remove(dir.path() + "/base/tokenizer.model"));
        } else {
            QFile cfg(dir.path() + "/base/config.json");
            QVERIFY(cfg.open(QIODevice::WriteOnly | QIODevice::Truncate));
            cfg.write("{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": ");
        }
        gui::MainWindow window;
        QSignalSpy opened(&window, &gui::MainWindow::projectOpened);
        window.openProject(project);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.banner()->isHidden(), 30000);
        QVERIFY2(window.banner()->text().contains(expected), qPrintable(window.banner()->text()));
        QTRY_VERIFY_WITH_TIMEOUT(!window.tunePage()->busy(), 30000);
        QVERIFY(!window.tunePage()->generatePanel()->generateButton()->isEnabled());
        window.jobs()->cancelAll();
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_jobs.reset();
    }
};

QTEST_MAIN(TestTuneLm)
#include "tst_tune_lm.moc"
